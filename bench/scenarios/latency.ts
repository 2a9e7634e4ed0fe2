import { type BenchReceiver, waitForDeliveries } from '../receiver/startBenchReceiver.ts';
import { setUpBench, spawnBenchRuntime } from '../support/benchRuntime.ts';
import { joinArrivals } from '../support/completeness.ts';
import type { DatabaseFactory } from '../support/freshDatabase.ts';
import { summarize } from '../support/percentiles.ts';
import { offerLoad, offerSingleRowLoad } from '../support/writeRows.ts';

const TABLE = 'bench_orders';
const RATE = 1000;

export interface LatencySeconds {
  /** 1,000 rows/s over 10 tenants × 5 endpoints, a statement every 10 ms. */
  spread: number;
  /** 1,000 rows/s on one tenant's 5 endpoints, a statement every 10 ms. */
  oneTenant: number;
  /** 1,000 single-row transactions/s from 8 clients over 10 tenants × 5 endpoints. */
  singleRow: number;
}

const SCENARIOS = [
  { key: 'spread', label: '10 tenants × 5 endpoints', tenants: 10, writer: 'statements' },
  { key: 'oneTenant', label: "one tenant's 5 endpoints", tenants: 1, writer: 'statements' },
  {
    key: 'singleRow',
    label: 'single-row transactions from 8 clients, 10 tenants × 5 endpoints',
    tenants: 10,
    writer: 'singleRow',
  },
] as const;

/**
 * Latency: commit → receiver at 1,000 rows/s, each scenario on a runtime and database of its own.
 * The writer notes its clock right after each COMMIT returns (row ids from RETURNING); the
 * receiver notes each row's arrival; a row that never arrives fails the run rather than leaving
 * the percentiles quietly short of it.
 */
export async function measureLatency(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  seconds: LatencySeconds,
) {
  const results = [];
  for (const scenario of SCENARIOS) {
    const db = await databases(`bench_latency_${scenario.key.toLowerCase()}`);
    const runtime = await spawnBenchRuntime(db.url);
    try {
      const targets = await setUpBench(db.url, receiver, runtime.apiUrl, {
        table: TABLE,
        prefix: 'lt',
        tenants: scenario.tenants,
        endpointsPerTenant: 5,
      });
      await receiver.reset();
      const load = { perSecond: RATE, seconds: seconds[scenario.key] };
      const written =
        scenario.writer === 'singleRow'
          ? await offerSingleRowLoad(db.url, TABLE, targets, { ...load, clients: 8 })
          : await offerLoad(db.url, TABLE, targets, load);
      const stats = await waitForDeliveries(receiver, written.commits.size);
      const joined = joinArrivals(written.commits, await receiver.arrivals(), stats);
      results.push({
        scenario: scenario.key,
        label: scenario.label,
        offeredPerSecond: RATE,
        seconds: load.seconds,
        // Close to `seconds` when the writers kept up with the rate.
        writerSeconds: (written.lastCommitAt - written.firstCommitAt) / 1000,
        completeness: joined.completeness,
        ...summarize(joined.latencies),
        peakRssMiB: await runtime.peakRssMiB(),
      });
    } finally {
      await runtime.stop();
      await db.drop();
    }
  }
  return results;
}
