import { type BenchReceiver, waitForDeliveries } from '../receiver/startBenchReceiver.ts';
import type { ThroughputWorkload } from '../scenarios/throughput.ts';
import { joinArrivals } from './completeness.ts';
import { type RowTarget, writeRows } from './writeRows.ts';

/**
 * The throughput workload against whatever delivers from `table` (Rowhook or a baseline): writes
 * the rows as fast as the clients go, waits for the receiver, and joins arrivals to commits, so
 * both sides are measured and checked for completeness the same way.
 */
export async function measureWorkload(
  databaseUrl: string,
  table: string,
  targets: readonly RowTarget[],
  receiver: BenchReceiver,
  workload: ThroughputWorkload,
) {
  await receiver.reset();
  const written = await writeRows(databaseUrl, table, targets, {
    total: workload.rows,
    perStatement: workload.perStatement,
    clients: workload.clients,
  });
  const stats = await waitForDeliveries(receiver, workload.rows);
  const joined = joinArrivals(written.commits, await receiver.arrivals(), stats);
  const seconds = (joined.lastArrivalAt - written.firstCommitAt) / 1000;
  return {
    ...workload,
    completeness: joined.completeness,
    commitSeconds: (written.lastCommitAt - written.firstCommitAt) / 1000,
    seconds,
    deliveriesPerSecond: Math.round(joined.completeness.delivered / Math.max(seconds, 0.001)),
  };
}
