import type { Endpoint } from '../../core/subscriptions/Endpoint.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { notFound } from '../errors.ts';
import { endpointStateBodySchema } from '../operatorSchemas.ts';
import { presentEndpoint, presentHealth } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { operatorEndpointSchema, page } from '../responseSchemas.ts';
import { pageQuerySchema } from '../schemas.ts';

const TAG = 'Operator endpoint views';
const DAY_MS = 24 * 3_600_000;
const PARAMS = { tenantId: 'Tenant id', id: 'Endpoint id (ep_...)' };

/** Operators see any tenant's endpoints with their delivery health, and disable or re-enable them. */
export function operatorEndpointRoutes(router: ApiRouter, deps: ApiDependencies) {
  const withHealth = async (tenantId: string, endpoints: Endpoint[]) => {
    const health = await deps.deliveryLog.endpointHealth(
      tenantId,
      endpoints.map((e) => e.id),
      new Date(Date.now() - DAY_MS),
    );
    return endpoints.map((e) => ({ ...presentEndpoint(e), health: presentHealth(health.get(e.id)) }));
  };

  const tenantOf = async (tenantId: string) => {
    if (!(await deps.subscriptions.getTenant(tenantId))) throw notFound('tenant', tenantId);
    return tenantId;
  };

  const load = async (tenantId: string, id: string) => {
    const endpoint = await deps.subscriptions.getEndpoint(await tenantOf(tenantId), id);
    if (!endpoint) throw notFound('endpoint', id);
    return endpoint;
  };

  router.add(
    {
      method: 'get',
      path: '/v1/tenants/:tenantId/endpoints',
      tag: TAG,
      summary: "A tenant's endpoints with their health over the last 24 hours",
      auth: 'admin',
      params: { tenantId: PARAMS.tenantId },
      query: pageQuerySchema,
      responses: { 200: { description: 'A page of endpoints', schema: page(operatorEndpointSchema) } },
    },
    async (c, { params, query }) => {
      const tenantId = await tenantOf(params.tenantId as string);
      const result = await deps.subscriptions.listEndpoints(tenantId, {
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
      return c.json({ items: await withHealth(tenantId, result.items), nextCursor: result.nextCursor });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/tenants/:tenantId/endpoints/:id',
      tag: TAG,
      summary: 'One endpoint of a tenant, with its health',
      auth: 'admin',
      params: PARAMS,
      responses: { 200: { description: 'The endpoint', schema: operatorEndpointSchema } },
    },
    async (c, { params }) => {
      const endpoint = await load(params.tenantId as string, params.id as string);
      return c.json((await withHealth(endpoint.tenantId, [endpoint]))[0]);
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/tenants/:tenantId/endpoints/:id/enable',
      tag: TAG,
      summary: 'Re-enable an endpoint: what is still queued is delivered; dead letters stay until redriven',
      auth: 'admin',
      params: PARAMS,
      body: endpointStateBodySchema,
      bodyOptional: true,
      responses: { 200: { description: 'The endpoint', schema: operatorEndpointSchema } },
    },
    async (c, { params, body }) => {
      const current = await load(params.tenantId as string, params.id as string);
      const endpoint = await deps.subscriptions.updateEndpoint(current.tenantId, current.id, {
        enabled: true,
      });
      if (!endpoint) throw notFound('endpoint', current.id);
      deps.log({ msg: 'endpoint enabled by an operator', endpointId: current.id, reason: body.reason });
      return c.json((await withHealth(endpoint.tenantId, [endpoint]))[0]);
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/tenants/:tenantId/endpoints/:id/disable',
      tag: TAG,
      summary: 'Disable an endpoint: nothing new is sent to it until it is re-enabled',
      auth: 'admin',
      params: PARAMS,
      body: endpointStateBodySchema,
      bodyOptional: true,
      responses: { 200: { description: 'The endpoint', schema: operatorEndpointSchema } },
    },
    async (c, { params, body }) => {
      const current = await load(params.tenantId as string, params.id as string);
      await deps.subscriptions.disableEndpoint(
        current.tenantId,
        current.id,
        body.reason ?? 'disabled by an operator',
      );
      const endpoint = await load(current.tenantId, current.id);
      return c.json((await withHealth(endpoint.tenantId, [endpoint]))[0]);
    },
  );
}
