import { z } from 'zod';
import type { DeliveryStats, StatsBucket } from '../../ports/DeliveryStats.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { notFound } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { notAvailable } from './notAvailable.ts';
import { operatorStatsQuerySchema, STATS_WINDOW_MS, statsQuerySchema, statsSchema } from './portalSchemas.ts';

const TAG = 'Statistics';

/** Per-minute delivery charts: one endpoint (its tenant, or a portal session), or any scope (operator). */
export function statsRoutes(router: ApiRouter, deps: ApiDependencies) {
  const FEATURE = 'delivery statistics';
  const perMinute = async (
    stats: DeliveryStats,
    scope: { tenantId?: string; endpointId?: string },
    window: keyof typeof STATS_WINDOW_MS,
  ) => {
    const until = new Date();
    const since = new Date(until.getTime() - STATS_WINDOW_MS[window]);
    const buckets = await stats.perMinute(scope, { since, until });
    return {
      window,
      since: since.toISOString(),
      until: until.toISOString(),
      bucketSeconds: 60 as const,
      buckets: buckets.map((b: StatsBucket) => ({ ...b, t: b.t.toISOString() })),
    };
  };

  router.add(
    {
      method: 'get',
      path: '/v1/endpoints/:id/stats',
      tag: TAG,
      auth: 'tenant',
      summary: 'Attempts to this endpoint per minute: delivered, failed, p50/p95 latency',
      params: { id: 'Endpoint id (ep_...)' },
      query: statsQuerySchema,
      responses: {
        200: { description: 'Per-minute buckets', schema: statsSchema.extend({ endpointId: z.string() }) },
      },
    },
    async (c, { params, query }) => {
      if (!deps.deliveryStats) return notAvailable(c, FEATURE);
      const tenantId = c.get('tenantId');
      const endpoint = await deps.subscriptions.getEndpoint(tenantId, params.id as string);
      if (!endpoint) throw notFound('endpoint', params.id as string);
      return c.json({
        endpointId: endpoint.id,
        ...(await perMinute(deps.deliveryStats, { tenantId, endpointId: endpoint.id }, query.window)),
      });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/stats',
      tag: TAG,
      auth: 'admin',
      summary: 'Attempts per minute across all tenants, or one tenant: delivered, failed, p50/p95 latency',
      query: operatorStatsQuerySchema,
      responses: {
        200: {
          description: 'Per-minute buckets',
          schema: statsSchema.extend({ tenantId: z.string().nullable() }),
        },
      },
    },
    async (c, { query }) => {
      if (!deps.deliveryStats) return notAvailable(c, FEATURE);
      if (query.tenantId !== undefined && !(await deps.subscriptions.getTenant(query.tenantId))) {
        throw notFound('tenant', query.tenantId);
      }
      return c.json({
        tenantId: query.tenantId ?? null,
        ...(await perMinute(deps.deliveryStats, { tenantId: query.tenantId }, query.window)),
      });
    },
  );
}
