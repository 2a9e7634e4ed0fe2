import type { OperationalEventType } from '../../core/health/constants.ts';
import type { OperationalEvent } from '../../core/health/OperationalEvent.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { operationalEventPageSchema, operationalEventQuerySchema } from './operationalEventSchemas.ts';

const present = (event: OperationalEvent) => ({
  id: event.id,
  type: event.type,
  occurredAt: event.occurredAt.toISOString(),
  tenantId: event.tenantId,
  endpointId: event.endpointId,
  data: event.data,
});

/** Operator: endpoint disabled / attempts exhausted / endpoint recovered, as recorded. */
export function operationalEventRoutes(router: ApiRouter, deps: Pick<ApiDependencies, 'operationalEvents'>) {
  router.add(
    {
      method: 'get',
      path: '/v1/operational-events',
      tag: 'Operational events',
      summary: 'Operational events, oldest first',
      description:
        'Without `after`: the latest `limit` events. With `after` (the previous `nextCursor`): up to `limit` events ' +
        'recorded since, so polling with the returned cursor sees each event once. The same events are sent as ' +
        'signed webhooks `{type, timestamp, data}` to ROWHOOK_OPERATOR_WEBHOOK_URL when it is set.',
      auth: 'admin',
      query: operationalEventQuerySchema,
      responses: { 200: { description: 'A page of operational events', schema: operationalEventPageSchema } },
    },
    async (c, { query }) => {
      const items = await deps.operationalEvents.list(
        { type: query.type as OperationalEventType | undefined, tenantId: query.tenantId },
        { limit: query.limit, after: query.after ?? null },
      );
      return c.json({ items: items.map(present), nextCursor: items.at(-1)?.id ?? query.after ?? null });
    },
  );
}
