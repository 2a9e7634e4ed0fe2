import { EventRejectedError } from '../../core/catalog/errors.ts';
import { OPERATOR_ENDPOINT } from '../../core/health/constants.ts';
import { ID_PREFIXES, toPublicId } from '../../core/ids/prefixedId.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { checkPublishedData } from './checkPublishedData.ts';
import { publishEventSchema, publishedEventSchema } from './publishSchemas.ts';

/** POST /v1/events: rowhook.publish over HTTP (in a transaction of its own). */
export function publishRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'post',
      path: '/v1/events',
      tag: 'Events',
      summary: "Publish an app-defined event to the tenant's endpoints",
      description:
        'Delivered like a row change (same envelope, signing, retries). Inside your own database transaction use ' +
        'rowhook.publish(tenant_id, event_type, data, idempotency_key => ..., ordering_key => ...) instead, so a ' +
        "rolled-back transaction sends nothing. 422 when data breaks the type's registered schema; 403 when a " +
        'tenant key names another tenantId; 404 when an operator names an unknown tenant.',
      auth: 'either',
      body: publishEventSchema,
      responses: { 202: { description: 'Accepted: committed to the outbox', schema: publishedEventSchema } },
    },
    async (c, { body }) => {
      const tenantId = await publishingTenant(deps, c.get('tenantId') as string | undefined, body.tenantId);
      const events = deps.events;
      if (!events) throw new ApiError(404, 'not_available', 'publishing is not available on this deployment');
      await checkPublishedData(events, body.type, body.data);
      try {
        const id = await events.publish({
          tenantId,
          type: body.type,
          data: body.data,
          idempotencyKey: body.idempotencyKey ?? null,
          orderingKey: body.orderingKey ?? null,
        });
        deps.onOutboxWrite();
        return c.json({ id: toPublicId(ID_PREFIXES.event, id) }, 202);
      } catch (error) {
        if (error instanceof EventRejectedError)
          throw new ApiError(error.code === 'schema_mismatch' ? 422 : 400, error.code, error.message);
        throw error;
      }
    },
  );
}

/** A tenant key publishes for its own tenant; the admin token names an existing tenant. */
async function publishingTenant(
  deps: ApiDependencies,
  callerTenant: string | undefined,
  requested: string | undefined,
): Promise<string> {
  if (callerTenant !== undefined) {
    if (requested !== undefined && requested !== callerTenant)
      throw new ApiError(
        403,
        'forbidden',
        'a tenant API key publishes for its own tenant only; leave out tenantId',
      );
    return callerTenant;
  }
  if (requested === undefined)
    throw new ApiError(
      400,
      'invalid_request',
      'tenantId: required with the admin token (the tenant to publish for)',
    );
  if (requested === OPERATOR_ENDPOINT.tenantId)
    throw new ApiError(
      400,
      'invalid_request',
      `tenantId: "${requested}" is reserved for Rowhook's operational events`,
    );
  if (!(await deps.subscriptions.getTenant(requested)))
    throw new ApiError(404, 'not_found', `tenant "${requested}" not found`);
  return requested;
}
