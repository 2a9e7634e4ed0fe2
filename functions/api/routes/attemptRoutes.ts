import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError } from '../errors.ts';
import { attemptTailQuerySchema } from '../operatorSchemas.ts';
import { presentTailAttempt } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { attemptTailSchema } from '../responseSchemas.ts';

/** The attempt tail behind `rowhook tail`: poll with the previous nextCursor as `after`. */
export function attemptRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'get',
      path: '/v1/attempts',
      tag: 'Delivery log',
      summary: 'Delivery attempts recorded after a cursor, oldest first (without one: the latest)',
      description:
        'A tenant key sees only its own tenant (naming another tenant is refused with 403); ' +
        'the admin token sees every tenant.',
      auth: 'either',
      query: attemptTailQuerySchema,
      responses: {
        200: { description: 'New attempts and the cursor to poll with', schema: attemptTailSchema },
      },
    },
    async (c, { query }) => {
      const callerTenant = c.get('tenantId') as string | undefined;
      if (callerTenant !== undefined && query.tenantId !== undefined && query.tenantId !== callerTenant) {
        throw new ApiError(
          403,
          'forbidden',
          "a tenant API key sees only its own tenant's attempts: leave tenantId out",
        );
      }
      const tail = await deps.deliveryLog.listRecent(
        { tenantId: callerTenant ?? query.tenantId, endpointId: query.endpointId },
        { after: query.after ?? null, limit: query.limit },
      );
      return c.json({ items: tail.items.map(presentTailAttempt), nextCursor: tail.nextCursor });
    },
  );
}
