import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchReceiver } from '../receiver/startBenchReceiver.ts';
import { spawnScript } from './spawnScript.ts';
import type { RowTarget } from './writeRows.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/** `npm start`'s entry point in its own process, as a user runs it, so its peak RSS is its own. */
export async function spawnBenchRuntime(databaseUrl: string, env: Record<string, string> = {}) {
  const script = await spawnScript(
    path.join(ROOT, 'functions/local/main.ts'),
    /API:\s+(http:\/\/\S+)/,
    {
      DATABASE_URL: databaseUrl,
      ROWHOOK_PORT: '0',
      ROWHOOK_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      // A key of its own, so a bench run never touches the key file of a local `npm start`.
      ROWHOOK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...env,
    },
    // BENCH_CPU_PROF=<dir>: the runtime writes a V8 CPU profile there when it stops (--cpu-prof).
    process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [],
  );
  return { ...script, apiUrl: script.ready };
}

async function call(apiUrl: string, token: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export interface BenchEndpoint {
  tenantId: string;
  bucket: number;
  path: string;
  secret: string;
}

/**
 * Tenants t0..tN-1, each with `endpointsPerTenant` endpoints; endpoint k of a tenant takes the rows
 * whose `bucket` is k (an EventBridge-pattern filter), so every row is exactly one delivery.
 */
export async function createTenants(
  apiUrl: string,
  receiverUrl: string,
  options: {
    prefix: string;
    tenants: number;
    endpointsPerTenant: number;
    blackhole?: boolean;
    ordering?: 'none' | 'per-key';
  },
): Promise<BenchEndpoint[]> {
  const endpoints: BenchEndpoint[] = [];
  for (let t = 0; t < options.tenants; t += 1) {
    const tenantId = `${options.prefix}${t}`;
    const tenant = await call(apiUrl, BENCH_ADMIN_TOKEN, 'POST', '/v1/tenants', {
      id: tenantId,
      name: tenantId,
    });
    for (let bucket = 0; bucket < options.endpointsPerTenant; bucket += 1) {
      const endpointPath = options.blackhole
        ? `/blackhole/${tenantId}/${bucket}`
        : `/e/${tenantId}/${bucket}`;
      const endpoint = await call(apiUrl, String(tenant.apiKey), 'POST', '/v1/endpoints', {
        url: `${receiverUrl}${endpointPath}`,
        filter: { data: { bucket: [bucket] } },
        ...(options.ordering ? { ordering: options.ordering } : {}),
      });
      endpoints.push({ tenantId, bucket, path: endpointPath, secret: String(endpoint.secret) });
    }
  }
  return endpoints;
}

export async function createBenchTable(databaseUrl: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create table if not exists ${table} (
      id bigserial primary key,
      tenant_id text not null,
      bucket int not null,
      payload text not null
    )`);
    await client.query('select rowhook.track_table($1, $2)', [table, 'tenant_id']);
  } finally {
    await client.end();
  }
}

/**
 * Tenants with their endpoints (secrets handed to the receiver) and a tracked table: the rows
 * written to `targets` are one delivery each.
 */
export async function setUpBench(
  databaseUrl: string,
  receiver: BenchReceiver,
  apiUrl: string,
  options: {
    table: string;
    prefix: string;
    tenants: number;
    endpointsPerTenant: number;
    blackhole?: boolean;
    ordering?: 'none' | 'per-key';
  },
): Promise<RowTarget[]> {
  const endpoints = await createTenants(apiUrl, receiver.url, options);
  if (!options.blackhole)
    await receiver.setSecrets(Object.fromEntries(endpoints.map((e) => [e.path, e.secret])));
  await createBenchTable(databaseUrl, options.table);
  return [...new Set(endpoints.map((e) => e.tenantId))].map((tenantId) => ({
    tenantId,
    buckets: options.endpointsPerTenant,
  }));
}
