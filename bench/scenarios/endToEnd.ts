import { type BenchReceiver, waitForDeliveries } from '../receiver/startBenchReceiver.ts';
import { createBenchTable, createTenants, spawnBenchRuntime } from '../support/benchRuntime.ts';
import { summarize } from '../support/percentiles.ts';
import { offerLoad, writeRows } from '../support/writeRows.ts';

export interface EndToEndOptions {
  rows: number;
  tenants: number;
  endpointsPerTenant: number;
  latencyRatePerSecond: number;
  latencySeconds: number;
}

async function setUp(
  databaseUrl: string,
  receiver: BenchReceiver,
  apiUrl: string,
  options: Pick<EndToEndOptions, 'tenants' | 'endpointsPerTenant'>,
) {
  const endpoints = await createTenants(apiUrl, receiver.url, {
    prefix: 'tp',
    tenants: options.tenants,
    endpointsPerTenant: options.endpointsPerTenant,
  });
  await receiver.setSecrets(Object.fromEntries(endpoints.map((e) => [e.path, e.secret])));
  await createBenchTable(databaseUrl, TABLE);
  return [...new Set(endpoints.map((e) => e.tenantId))].map((tenantId) => ({
    tenantId,
    buckets: options.endpointsPerTenant,
  }));
}

const TABLE = 'bench_orders';

/**
 * 2. Throughput: `rows` committed in 500-row statements from 4 clients; deliveries/s from the first
 * commit to the last verified delivery. 7. Memory: the runtime's peak RSS.
 */
export async function measureThroughput(
  databaseUrl: string,
  receiver: BenchReceiver,
  options: Pick<EndToEndOptions, 'rows' | 'tenants' | 'endpointsPerTenant'>,
) {
  const runtime = await spawnBenchRuntime(databaseUrl);
  try {
    const targets = await setUp(databaseUrl, receiver, runtime.apiUrl, options);
    await receiver.reset();
    const commits = await writeRows(databaseUrl, TABLE, targets, {
      total: options.rows,
      perStatement: 500,
      clients: 4,
    });
    const delivered = await waitForDeliveries(receiver, options.rows, 10 * 60_000);
    const seconds = (delivered.lastAt - commits.firstCommitAt) / 1000;
    const throughput = {
      rows: options.rows,
      delivered: delivered.unique,
      duplicates: delivered.duplicates,
      badSignatures: delivered.badSignatures,
      commitSeconds: (commits.lastCommitAt - commits.firstCommitAt) / 1000,
      seconds,
      deliveriesPerSecond: Math.round(delivered.unique / seconds),
    };

    return { throughput, peakRssMiB: await runtime.peakRssMiB() };
  } finally {
    await runtime.stop();
  }
}

/**
 * 3. Latency: a steady load on one tenant (its endpoints share it), commit → receiver, on a runtime
 * and database of its own so the throughput run's backlog and dead rows do not weigh on it.
 * 7. Memory: the runtime's peak RSS.
 */
export async function measureLatency(
  databaseUrl: string,
  receiver: BenchReceiver,
  options: Pick<EndToEndOptions, 'endpointsPerTenant' | 'latencyRatePerSecond' | 'latencySeconds'>,
) {
  const runtime = await spawnBenchRuntime(databaseUrl);
  try {
    const targets = await setUp(databaseUrl, receiver, runtime.apiUrl, {
      tenants: 1,
      endpointsPerTenant: options.endpointsPerTenant,
    });
    await receiver.reset();
    const [first] = targets;
    if (!first) throw new Error('no tenants');
    const offered = await offerLoad(databaseUrl, TABLE, first, {
      perSecond: options.latencyRatePerSecond,
      seconds: options.latencySeconds,
    });
    const settled = await waitForDeliveries(receiver, offered, 60_000);
    const latency = {
      offeredPerSecond: options.latencyRatePerSecond,
      seconds: options.latencySeconds,
      offered,
      delivered: settled.unique,
      ...summarize(Object.values(settled.latencies).flat()),
    };
    return { latency, peakRssMiB: await runtime.peakRssMiB() };
  } finally {
    await runtime.stop();
  }
}
