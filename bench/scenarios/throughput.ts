import type { BenchReceiver } from '../receiver/startBenchReceiver.ts';
import { setUpBench, spawnBenchRuntime } from '../support/benchRuntime.ts';
import type { DatabaseFactory } from '../support/freshDatabase.ts';
import { measureWorkload } from '../support/measureWorkload.ts';

const TABLE = 'bench_orders';

/** The write workload the throughput runs share, Rowhook's and the baselines'. */
export interface ThroughputWorkload {
  rows: number;
  perStatement: number;
  clients: number;
  tenants: number;
  endpointsPerTenant: number;
}

/**
 * Throughput: `rows` committed in `perStatement`-row transactions from `clients` connections as
 * fast as they go; deliveries/s from the first commit to the last verified delivery; every offered
 * row accounted for. Memory: the runtime's peak RSS at full speed. With `ordering` 'per-key' the
 * same workload goes to per-key endpoints (each row its own key: the cost of the ordered path, no
 * key waiting for another).
 */
export async function measureThroughput(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  workload: ThroughputWorkload,
  ordering: 'none' | 'per-key' = 'none',
) {
  const db = await databases(ordering === 'none' ? 'bench_throughput' : 'bench_ordered');
  const runtime = await spawnBenchRuntime(db.url);
  try {
    const targets = await setUpBench(db.url, receiver, runtime.apiUrl, {
      table: TABLE,
      prefix: 'tp',
      tenants: workload.tenants,
      endpointsPerTenant: workload.endpointsPerTenant,
      ordering,
    });
    return {
      ...(await measureWorkload(db.url, TABLE, targets, receiver, workload)),
      peakRssMiB: await runtime.peakRssMiB(),
    };
  } finally {
    await runtime.stop();
    await db.drop();
  }
}
