import { describe, expect, it, vi } from 'vitest';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { createApp } from '../../../functions/api/createApp.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';

/**
 * The API as the AWS handler builds it: no portal-session store and no statistics store. The portal
 * routes say so with a 501, never a 500, and a portal-looking token is just an unknown credential.
 */
const ADMIN_TOKEN = 'admin-token-0123456789';
const log = vi.fn();
const app = createApp({
  subscriptions: {
    getTenant: vi.fn(async (id: string) => ({ id, name: id, tier: 'pooled', createdAt: new Date(0) })),
    findTenantIdByApiKeyHash: vi.fn(async () => 'acme'),
  },
  adminTokenHash: hashSecret(ADMIN_TOKEN),
  addressPolicy: new AddressPolicy(),
  resolveHost: async () => [],
  requireHttps: true,
  secretOverlapMs: 0,
  onOutboxWrite: () => {},
  log,
} as unknown as ApiDependencies);

const call = (method: string, path: string, token: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the API without the portal stores (AWS)', () => {
  it('answers 501 naming the feature on the portal and statistics routes, without logging a failure', async () => {
    for (const [method, path, body, token] of [
      ['POST', '/v1/tenants/acme/portal-sessions', {}, ADMIN_TOKEN],
      ['PATCH', '/v1/tenants/acme', { portalFrameAncestors: [] }, ADMIN_TOKEN],
      ['GET', '/v1/stats', undefined, ADMIN_TOKEN],
      ['GET', '/v1/endpoints/ep_1/stats', undefined, 'rk_tenant-key'],
    ] as const) {
      const res = await call(method, path, token, body);
      expect({ path, status: res.status }).toEqual({ path, status: 501 });
      expect((await res.json()).error).toMatchObject({
        code: 'not_implemented',
        message: expect.stringContaining('served by the local runtime only'),
      });
    }
    expect(log).not.toHaveBeenCalled();
  });

  it('refuses a portal-looking token as not valid', async () => {
    const res = await call('GET', '/v1/endpoints', `rps_${'x'.repeat(43)}`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toContain('portal token is not valid');
  });
});
