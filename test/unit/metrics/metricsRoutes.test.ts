import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { createApp } from '../../../functions/api/createApp.ts';
import type { MetricsExposition } from '../../../functions/ports/Metrics.ts';

const ADMIN_TOKEN = 'admin-token-0123456789';

const exposition: MetricsExposition = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  render: async () => 'rowhook_outbox_lag_seconds 0\n',
};

function app(metrics: ApiDependencies['metrics']) {
  return createApp({
    adminTokenHash: hashSecret(ADMIN_TOKEN),
    subscriptions: { findTenantIdByApiKeyHash: async () => undefined },
    log: () => {},
    metrics,
  } as unknown as ApiDependencies);
}

describe('GET /metrics', () => {
  it('needs no token with ROWHOOK_METRICS_PUBLIC=true', async () => {
    const response = await app({ exposition, public: true }).request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toBe('rowhook_outbox_lag_seconds 0\n');
  });

  it('needs the admin token otherwise', async () => {
    const guarded = app({ exposition, public: false });
    expect((await guarded.request('/metrics')).status).toBe(401);
    const wrong = await guarded.request('/metrics', {
      headers: { authorization: 'Bearer not-the-admin-token' },
    });
    expect(wrong.status).toBe(401);
    const admin = await guarded.request('/metrics', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(admin.status).toBe(200);
  });

  it('answers a JSON 404 where no exposition is wired (the API Lambda)', async () => {
    const response = await app(undefined).request('/metrics', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'not_found', message: expect.stringContaining('CloudWatch') },
    });
  });

  it('is described in the OpenAPI document as text/plain', async () => {
    const document = (await (await app({ exposition, public: false }).request('/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(document.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual([
      'text/plain; version=0.0.4',
    ]);
  });
});
