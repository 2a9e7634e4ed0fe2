import { PORTAL_SESSION_SECONDS } from '../../core/portal/constants.ts';
import { parseFrameAncestor } from '../../core/portal/frameAncestors.ts';
import { newPortalCredentials } from '../../core/portal/newPortalCredentials.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { hashSecret } from '../auth.ts';
import { notFound } from '../errors.ts';
import { isPortalToken, livePortalSession } from '../portalAuth.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { notAvailable } from './notAvailable.ts';
import {
  createPortalSessionSchema,
  currentPortalSessionSchema,
  portalSessionSchema,
  tenantPortalSettingsSchema,
  updateTenantSchema,
} from './portalSchemas.ts';

const TAG = 'Tenant portal';

/** Portal sessions (operator), the tenant's portal settings (operator), and "who am I" (portal). */
export function portalSessionRoutes(router: ApiRouter, deps: ApiDependencies) {
  const FEATURE = 'the tenant portal';
  const existingTenant = async (id: string) => {
    const tenant = await deps.subscriptions.getTenant(id);
    if (!tenant) throw notFound('tenant', id);
    return tenant;
  };

  router.add(
    {
      method: 'post',
      path: '/v1/tenants/:id/portal-sessions',
      tag: TAG,
      summary:
        'Open a short-lived portal session for a tenant; the answer holds its URL and token, shown once',
      description:
        'The token is a tenant credential for the tenant routes until `expiresAt` (at most 1 hour); a `readOnly` ' +
        'session is refused (403) on every route that changes something. Only its SHA-256 is stored.',
      auth: 'admin',
      params: { id: 'Tenant id' },
      body: createPortalSessionSchema,
      bodyOptional: true,
      responses: { 201: { description: 'Opened', schema: portalSessionSchema } },
    },
    async (c, { params, body }) => {
      const store = deps.portalSessions;
      if (!store) return notAvailable(c, FEATURE);
      const tenant = await existingTenant(params.id as string);
      const { id, token } = newPortalCredentials();
      const expiresAt = new Date(Date.now() + (body.expiresIn ?? PORTAL_SESSION_SECONDS.default) * 1000);
      const readOnly = body.readOnly ?? false;
      await store.create({ id, tenantId: tenant.id, readOnly, expiresAt }, hashSecret(token));
      // The token goes in the fragment: browsers never send it to a server or in a Referer.
      const url = `${new URL(c.req.url).origin}/portal/?session=${id}#token=${token}`;
      return c.json(
        { id, tenantId: tenant.id, readOnly, expiresAt: expiresAt.toISOString(), url, token },
        201,
      );
    },
  );

  router.add(
    {
      method: 'patch',
      path: '/v1/tenants/:id',
      tag: TAG,
      summary: "Change a tenant's portal settings: the origins allowed to embed its portal",
      auth: 'admin',
      params: { id: 'Tenant id' },
      body: updateTenantSchema,
      responses: { 200: { description: 'The settings now', schema: tenantPortalSettingsSchema } },
    },
    async (c, { params, body }) => {
      const store = deps.portalSessions;
      if (!store) return notAvailable(c, FEATURE);
      const tenant = await existingTenant(params.id as string);
      const origins = [...new Set(body.portalFrameAncestors.map(parseFrameAncestor))];
      await store.setFrameAncestors(tenant.id, origins);
      return c.json({ tenantId: tenant.id, portalFrameAncestors: origins });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/portal-session',
      tag: TAG,
      summary: 'Who the caller is: its tenant, and whether its portal session is read-only',
      auth: 'tenant',
      responses: { 200: { description: 'The session', schema: currentPortalSessionSchema } },
    },
    async (c) => {
      const token = /^Bearer\s+(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      // A portal token got past the guard only where the store exists; API keys need none.
      if (!isPortalToken(token) || !deps.portalSessions)
        return c.json({ tenantId: c.get('tenantId'), readOnly: false, expiresAt: null });
      const session = await livePortalSession(hashSecret(token), deps.portalSessions);
      return c.json({
        tenantId: session.tenantId,
        readOnly: session.readOnly,
        expiresAt: session.expiresAt.toISOString(),
      });
    },
  );
}
