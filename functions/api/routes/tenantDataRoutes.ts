import { z } from 'zod';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { notFound } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';

const erasureSchema = z.object({
  tenantId: z.string(),
  events: z.number().int().meta({ description: "The tenant's events kept, each now without its payload" }),
  attempts: z.number().int().meta({ description: 'Attempts kept, each now without the response body' }),
  deliveriesDiscarded: z.number().int().meta({
    description: 'Pending deliveries and dead letters discarded: without a payload they cannot be sent',
  }),
  deadLettersErased: z.number().int().meta({
    description: 'Dead-letter items kept apart from the outbox (DynamoDB on AWS) whose payload was erased',
  }),
  erasedAt: z.string().meta({ format: 'date-time' }),
});

export function tenantDataRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'delete',
      path: '/v1/tenants/:id/data',
      tag: 'Tenants',
      summary: "Erase a tenant's event payloads and receivers' response bodies",
      description:
        'Everywhere Rowhook keeps them (outbox, delivery attempts, dead letters, failed events). Ids, ' +
        'types, times, states and counts stay for audit. Pending deliveries and dead letters of the ' +
        'tenant are discarded, as they can no longer be sent. The tenant, its keys and endpoints stay.',
      auth: 'admin',
      params: { id: 'Tenant id' },
      responses: { 200: { description: 'Erased', schema: erasureSchema } },
    },
    async (c, { params }) => {
      const tenantId = params.id as string;
      if (!(await deps.subscriptions.getTenant(tenantId))) throw notFound('tenant', tenantId);
      const erasure = await deps.tenantData.erase(tenantId);
      deps.log({ msg: 'erased tenant data', ...erasure });
      return c.json({ ...erasure, erasedAt: new Date().toISOString() });
    },
  );
}
