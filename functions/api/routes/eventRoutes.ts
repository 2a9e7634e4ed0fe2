import type { ApiDependencies } from '../ApiDependencies.ts';
import { failedEventsQuerySchema } from '../operatorSchemas.ts';
import { presentFailedEvent } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { failedEventSchema, page } from '../responseSchemas.ts';

export function eventRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'get',
      path: '/v1/events/failed',
      tag: 'Events',
      summary: 'Events the relay could not publish (e.g. over ROWHOOK_MAX_EVENT_BYTES), newest first',
      description: 'Kept in the outbox with the reason; an event refused for some endpoints only says which.',
      auth: 'admin',
      query: failedEventsQuerySchema,
      responses: { 200: { description: 'A page of failed events', schema: page(failedEventSchema) } },
    },
    async (c, { query: { limit, cursor, tenantId } }) => {
      const result = await deps.failedEvents.list({ tenantId }, { limit, cursor: cursor ?? null });
      return c.json({ items: result.items.map(presentFailedEvent), nextCursor: result.nextCursor });
    },
  );
}
