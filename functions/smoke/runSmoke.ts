import { CANARY_PATHS, type CanaryPath, SMOKE_DEFAULTS, TRANSPORT_OF_PATH } from './constants.ts';
import { allPathsHeard, judgePath, type SmokeReport } from './decideSmoke.ts';
import { isUnauthorized } from './errors.ts';
import type {
  CanaryApi,
  CanaryDatabase,
  CanaryDelivery,
  CanaryRecords,
  CanaryTenant,
  Clock,
  CreatedEndpoint,
} from './ports.ts';

export interface SmokeDependencies {
  readonly api: CanaryApi;
  readonly database: CanaryDatabase;
  readonly records: CanaryRecords;
  readonly clock: Clock;
}

export interface SmokeOptions {
  readonly stack: string;
  readonly runId: string;
  /** The canary receiver's Function URL (no trailing slash needed). */
  readonly receiverUrl: string;
  readonly paths?: readonly CanaryPath[];
  readonly dedicatedReadyTimeoutMs?: number;
  readonly deliveryTimeoutMs?: number;
  readonly pollIntervalMs?: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * One canary run against a deployed stack: the canary tenant (kept between runs, created by the
 * first; the API cannot delete tenants) with throwaway endpoints, one per path, pointing at the receiver (`<receiver>/<runId>/<path>`), one committed row in the tracked table, then the
 * receiver's records until every path was heard or the deadline passed. Never throws: a failing
 * step becomes the report's `error`, and cleanup (endpoints, rows, records) always runs.
 */
export async function runSmoke(deps: SmokeDependencies, options: SmokeOptions): Promise<SmokeReport> {
  const { api, database, records, clock } = deps;
  const paths = options.paths ?? Object.values(CANARY_PATHS);
  const receiver = options.receiverUrl.replace(/\/+$/, '');
  let tenant: CanaryTenant | null = null;
  let step = 'prepare the canary table';
  const endpoints = new Map<CanaryPath, CreatedEndpoint>();
  let rowWritten = false;
  let recordsWritten = false;
  let results: SmokeReport['results'] = [];
  let error: string | null = null;

  try {
    await database.prepare();
    step = 'find or create the canary tenant';
    const newTenant = async (): Promise<CanaryTenant> => {
      const tenantId = `canary-${options.runId}`;
      const created = { tenantId, apiKey: (await api.createTenant(tenantId, 'Rowhook canary')).apiKey };
      await records.keepTenant(created);
      return created;
    };
    const kept = await records.keptTenant();
    tenant = kept ?? (await newTenant());
    for (const path of paths) {
      step = `create the ${path} endpoint`;
      const input = {
        url: `${receiver}/${options.runId}/${path}`,
        transport: TRANSPORT_OF_PATH[path],
        description: `Rowhook canary ${options.runId} (${path})`,
      };
      let endpoint: CreatedEndpoint;
      try {
        endpoint = await api.createEndpoint(tenant.apiKey, input);
      } catch (cause) {
        // The kept tenant's key no longer works (tenant removed, table restored): start a new one.
        if (!(kept && tenant === kept && endpoints.size === 0 && isUnauthorized(cause))) throw cause;
        tenant = await newTenant();
        endpoint = await api.createEndpoint(tenant.apiKey, input);
      }
      endpoints.set(path, endpoint);
    }
    step = 'store the run for the receiver';
    const secrets = Object.fromEntries([...endpoints].map(([path, e]) => [path, e.secret]));
    recordsWritten = true;
    await records.putRun(options.runId, secrets as Record<CanaryPath, string>);

    const dedicated = endpoints.get(CANARY_PATHS.dedicated);
    step = 'wait for the dedicated endpoint';
    const dedicatedProblem = dedicated
      ? await waitUntilDedicated(api, clock, tenant.apiKey, dedicated.id, options.dedicatedReadyTimeoutMs)
      : null;

    step = 'write the canary row';
    rowWritten = true;
    await database.insertRow(tenant.tenantId, options.runId);
    const writtenAt = clock.now();

    step = 'wait for deliveries';
    const deadline = writtenAt + (options.deliveryTimeoutMs ?? SMOKE_DEFAULTS.deliveryTimeoutMs);
    let deliveries: CanaryDelivery[] = await records.deliveries(options.runId);
    while (!allPathsHeard(paths, deliveries) && clock.now() < deadline) {
      await clock.sleep(options.pollIntervalMs ?? SMOKE_DEFAULTS.pollIntervalMs);
      deliveries = await records.deliveries(options.runId);
    }
    results = paths.map((path) =>
      judgePath(path, deliveries, writtenAt, path === CANARY_PATHS.dedicated ? dedicatedProblem : null),
    );
  } catch (cause) {
    error = `${step}: ${message(cause)}`;
  }

  const cleanupErrors: string[] = [];
  const attempt = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (cause) {
      cleanupErrors.push(`${what}: ${message(cause)}`);
    }
  };
  for (const [path, endpoint] of endpoints) {
    const key = (tenant as CanaryTenant).apiKey;
    await attempt(`delete the ${path} endpoint ${endpoint.id}`, () => api.deleteEndpoint(key, endpoint.id));
  }
  // After the endpoints: the deletes are captured too, and must find no subscriber.
  if (rowWritten) await attempt('delete the canary rows', () => database.deleteRows(options.runId));
  if (recordsWritten) await attempt('delete the receiver records', () => records.deleteRun(options.runId));

  return { runId: options.runId, stack: options.stack, results, error, cleanupErrors };
}

/** null once sync made the endpoint an API destination; otherwise why the dedicated path cannot be proven. */
async function waitUntilDedicated(
  api: CanaryApi,
  clock: Clock,
  apiKey: string,
  endpointId: string,
  timeoutMs: number = SMOKE_DEFAULTS.dedicatedReadyTimeoutMs,
): Promise<string | null> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const state = await api.dedicatedState(apiKey, endpointId);
    if (state?.status === 'active') return null;
    if (state?.status === 'fallback-pooled') {
      return `the endpoint fell back to pooled delivery: ${state.reason ?? 'no reason given'}`;
    }
    if (clock.now() >= deadline) {
      return `the endpoint was not an API destination after ${Math.round(timeoutMs / 1000)} s (status ${state?.status ?? 'none'})`;
    }
    await clock.sleep(SMOKE_DEFAULTS.pollIntervalMs);
  }
}
