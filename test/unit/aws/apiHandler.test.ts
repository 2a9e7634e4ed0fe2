import { describe, expect, it, vi } from 'vitest';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import { API_METRICS, createApiHandler, withRequestMetrics } from '../../../functions/handlers/api.ts';

const ADMIN_TOKEN = 'admin-token-0123456789';

function event(method: string, path: string, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...headers },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    body: '',
    isBase64Encoded: false,
  };
}

type ApiEvent = Parameters<ReturnType<typeof createApiHandler>>[0];

function deps(listTenants = vi.fn(async () => [])): ApiDependencies {
  return {
    subscriptions: { listTenants, findTenantIdByApiKeyHash: vi.fn(async () => undefined) },
    adminTokenHash: hashSecret(ADMIN_TOKEN),
    addressPolicy: new AddressPolicy(),
    resolveHost: async () => [],
    requireHttps: true,
    secretOverlapMs: 0,
    onOutboxWrite: () => {},
    log: () => {},
  } as unknown as ApiDependencies;
}

const fakeMetrics = () => ({ addMetric: vi.fn(), publishStoredMetrics: vi.fn() });

describe('api handler', () => {
  it('serves the shared Hono app through API Gateway events, with the admin token', async () => {
    const listTenants = vi.fn(async () => []);
    const handler = createApiHandler({
      subscriptions: { listTenants, findTenantIdByApiKeyHash: vi.fn(async () => undefined) },
      adminTokenHash: hashSecret(ADMIN_TOKEN),
      addressPolicy: new AddressPolicy(),
      resolveHost: async () => [],
      requireHttps: true,
      secretOverlapMs: 0,
      onOutboxWrite: () => {},
      log: () => {},
    } as unknown as ApiDependencies);
    const health = await handler(event('GET', '/health') as unknown as ApiEvent);
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });

    const denied = await handler(event('GET', '/v1/tenants') as unknown as ApiEvent);
    expect(denied.statusCode).toBe(401);
    const allowed = await handler(
      event('GET', '/v1/tenants', { authorization: `Bearer ${ADMIN_TOKEN}` }) as unknown as ApiEvent,
    );
    expect(allowed.statusCode).toBe(200);
    expect(listTenants).toHaveBeenCalled();
  });

  it('emits request, 5xx and latency metrics for each request and publishes them', async () => {
    const metrics = fakeMetrics();
    const listTenants = vi.fn(async () => {
      throw new Error('db down');
    });
    const handler = createApiHandler(deps(listTenants), metrics);

    const ok = await handler(event('GET', '/health') as unknown as ApiEvent);
    expect(ok.statusCode).toBe(200);
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.requests, 'Count', 1);
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.serverErrors, 'Count', 0);
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.latency, 'Milliseconds', expect.any(Number));
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);

    metrics.addMetric.mockClear();
    const failed = await handler(
      event('GET', '/v1/tenants', { authorization: `Bearer ${ADMIN_TOKEN}` }) as unknown as ApiEvent,
    );
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.serverErrors, 'Count', 1);
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(2);
  });

  it('counts a thrown invocation as a 5xx and still publishes', async () => {
    const metrics = fakeMetrics();
    const handler = withRequestMetrics(async (_event: unknown) => {
      throw new Error('cold start failed');
    }, metrics);
    await expect(handler({})).rejects.toThrow('cold start failed');
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.requests, 'Count', 1);
    expect(metrics.addMetric).toHaveBeenCalledWith(API_METRICS.serverErrors, 'Count', 1);
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });
});
