import type { ApiDependencies } from '../ApiDependencies.ts';
import { generateApiKey, hashSecret } from '../auth.ts';
import { ApiError, notFound } from '../errors.ts';
import { presentTenant } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { createdTenantSchema, page, tenantSchema } from '../responseSchemas.ts';
import { createTenantSchema, pageQuerySchema } from '../schemas.ts';

const TAG = 'Tenants';

export function tenantRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'post',
      path: '/v1/tenants',
      tag: TAG,
      summary: 'Create a tenant; the answer holds its API key, shown once',
      auth: 'admin',
      body: createTenantSchema,
      responses: { 201: { description: 'Created', schema: createdTenantSchema } },
    },
    async (c, { body: input }) => {
      const apiKey = generateApiKey();
      const tenant = await deps.subscriptions.createTenant(
        { id: input.id, name: input.name, tier: input.tier ?? 'pooled' },
        hashSecret(apiKey),
        apiKey.slice(0, 7),
      );
      return c.json({ ...presentTenant(tenant), apiKey }, 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/tenants',
      tag: TAG,
      summary: 'List tenants by id',
      auth: 'admin',
      query: pageQuerySchema,
      responses: { 200: { description: 'A page of tenants', schema: page(tenantSchema) } },
    },
    async (c, { query }) => {
      // Paged here over the store's full list (tenants number in the hundreds or thousands): the
      // SubscriptionStore port has no paged tenant listing.
      const after = query.cursor === undefined ? null : decodeTenantCursor(query.cursor);
      const tenants = (await deps.subscriptions.listTenants())
        .filter((t) => after === null || t.id > after)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = tenants.slice(0, query.limit);
      const last = items.at(-1);
      return c.json({
        items: items.map(presentTenant),
        nextCursor: tenants.length > query.limit && last ? encodeTenantCursor(last.id) : null,
      });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/tenants/:id',
      tag: TAG,
      summary: 'One tenant',
      auth: 'admin',
      params: { id: 'Tenant id' },
      responses: { 200: { description: 'The tenant', schema: tenantSchema } },
    },
    async (c, { params }) => {
      const tenant = await deps.subscriptions.getTenant(params.id as string);
      if (!tenant) throw notFound('tenant', params.id as string);
      return c.json(presentTenant(tenant));
    },
  );
}

const encodeTenantCursor = (id: string) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');

function decodeTenantCursor(cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // answered below
  }
  throw new ApiError(
    400,
    'invalid_cursor',
    'cursor is not valid: pass the nextCursor value from a previous page unchanged',
  );
}
