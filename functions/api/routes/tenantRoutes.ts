import { Hono } from 'hono';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { generateApiKey, hashSecret, requireAdmin } from '../auth.ts';
import { notFound } from '../errors.ts';
import { presentTenant } from '../presenters.ts';
import { createTenantSchema } from '../schemas.ts';
import { parseJsonBody } from '../validation.ts';

export function tenantRoutes(deps: ApiDependencies) {
  const app = new Hono();
  app.use('*', requireAdmin(deps.adminTokenHash));

  app.post('/', async (c) => {
    const input = await parseJsonBody(c, createTenantSchema);
    const apiKey = generateApiKey();
    const tenant = await deps.subscriptions.createTenant(
      { id: input.id, name: input.name, tier: input.tier ?? 'pooled' },
      hashSecret(apiKey),
      apiKey.slice(0, 7),
    );
    return c.json({ ...presentTenant(tenant), apiKey }, 201);
  });

  app.get('/', async (c) => c.json({ items: (await deps.subscriptions.listTenants()).map(presentTenant) }));

  app.get('/:id', async (c) => {
    const tenant = await deps.subscriptions.getTenant(c.req.param('id'));
    if (!tenant) throw notFound('tenant', c.req.param('id'));
    return c.json(presentTenant(tenant));
  });
  return app;
}
