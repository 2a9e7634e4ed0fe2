import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { createApp } from '../../../functions/api/createApp.ts';

// A deployment without an ordered delivery path (perKeyOrdering: false; the AWS API now passes true,
// its FIFO path being built) refuses per-key endpoints with a 400 instead of storing them and
// delivering them unordered.
const KEY = 'rk_test_key_0123456789';

function app(perKeyOrdering: boolean | undefined) {
  const stored: unknown[] = [];
  const deps = {
    adminTokenHash: hashSecret('admin-token-0123456789'),
    subscriptions: {
      findTenantIdByApiKeyHash: async () => 'acme',
      getEndpoint: async () => ({
        id: 'ep_1',
        tenantId: 'acme',
        url: 'https://example.com/',
        transport: 'pooled',
      }),
      updateEndpoint: async (_t: string, _id: string, patch: unknown) => {
        stored.push(patch);
        return undefined;
      },
    },
    log: () => {},
    ...(perKeyOrdering === undefined ? {} : { perKeyOrdering }),
  } as unknown as ApiDependencies;
  return { app: createApp(deps), stored };
}

const send = (target: ReturnType<typeof app>, method: string, path: string, body: unknown) =>
  target.app.request(path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('ordering per-key where it is not delivered in order', () => {
  it('answers 400 naming the option on create and on change, and changes nothing', async () => {
    const target = app(false);
    for (const [method, path, body] of [
      ['POST', '/v1/endpoints', { url: 'https://example.com/hook', ordering: 'per-key' }],
      ['PATCH', '/v1/endpoints/ep_1', { ordering: 'per-key' }],
    ] as const) {
      const response = await send(target, method, path, body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('"per-key" is not available on this deployment');
    }
    expect(target.stored).toEqual([]);
  });

  it('lets the local runtime (no flag) through to the store', async () => {
    const target = app(undefined);
    const response = await send(target, 'PATCH', '/v1/endpoints/ep_1', { ordering: 'per-key' });
    // The fake store answers "no such endpoint": what matters is that the patch reached it.
    expect(response.status).toBe(404);
    expect(target.stored).toEqual([{ ordering: 'per-key' }]);
  });
});
