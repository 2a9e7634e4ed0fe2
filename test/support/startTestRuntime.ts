import { afterAll, beforeAll } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../functions/local/createLocalRuntime.ts';
import { loadConfig } from '../../functions/local/loadConfig.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

/** e.g. `now`: the deliverer's clock, for tests that jump days ahead (see createLocalRuntime). */
export type RuntimeOptions = NonNullable<Parameters<typeof createLocalRuntime>[2]>;

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Seals signing secrets at rest in test runtimes (base64 of 32 bytes). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** The real local runtime on a test database, with short timings so retries happen in seconds. */
export async function startTestRuntime(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: RuntimeOptions = {},
): Promise<LocalRuntime> {
  const config = loadConfig({
    ROWHOOK_PORT: '0',
    ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    ROWHOOK_RETRY_SCHEDULE: '100ms,100ms',
    ROWHOOK_POLL_INTERVAL: '50ms',
    ROWHOOK_SWEEP_INTERVAL: '250ms',
    ROWHOOK_NUDGE_INTERVAL: '0ms',
    ROWHOOK_DELIVERY_TIMEOUT: '5s',
    ROWHOOK_SECRET_KEY: TEST_SECRET_KEY,
    ...env,
  });
  return createLocalRuntime({ ...config, databaseUrl, adminToken: TEST_ADMIN_TOKEN }, () => {}, options);
}

/** A tiny API client for tests. */
export function apiClient(baseUrl: string) {
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    async createTenant(id: string) {
      const res = await call('POST', '/v1/tenants', TEST_ADMIN_TOKEN, { id, name: `Tenant ${id}` });
      if (res.status !== 201) throw new Error(`createTenant: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json as { id: string; apiKey: string };
    },
    async createEndpoint(apiKey: string, body: Record<string, unknown>) {
      const res = await call('POST', '/v1/endpoints', apiKey, body);
      if (res.status !== 201) throw new Error(`createEndpoint: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json as { id: string; secret: string };
    },
  };
}

export interface TestHarness {
  database: TestDatabase;
  runtime: LocalRuntime;
  api: ReturnType<typeof apiClient>;
}

/** For a test file: a fresh database and a runtime on it for all its tests, torn down after. */
export function useTestRuntime(env: Record<string, string> = {}, options: RuntimeOptions = {}): TestHarness {
  const harness = {} as TestHarness;
  beforeAll(async () => {
    harness.database = await createTestDatabase();
    harness.runtime = await startTestRuntime(harness.database.url, env, options);
    harness.api = apiClient(harness.runtime.apiUrl);
  });
  afterAll(async () => {
    await harness.runtime?.stop();
    await harness.database?.drop();
  });
  return harness;
}
