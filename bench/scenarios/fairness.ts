import { type BenchReceiver, waitForDeliveries } from '../receiver/startBenchReceiver.ts';
import { createBenchTable, createTenants, spawnBenchRuntime } from '../support/benchRuntime.ts';
import { joinArrivals } from '../support/completeness.ts';
import type { DatabaseFactory } from '../support/freshDatabase.ts';
import { summarize } from '../support/percentiles.ts';
import { offerLoad, type Written } from '../support/writeRows.ts';

const TABLE = 'bench_fairness';
const QUIET = 'fq0';

export interface FairnessOptions {
  /** Quiet tenant's rows per second; × seconds is its number of latency samples. */
  quietPerSecond: number;
  seconds: number;
}

type Neighbour = { prefix: 'ff' | 'fb'; blackhole: boolean; perSecond: number } | null;

/**
 * A quiet tenant's latency alone, beside a tenant flooding at 100× its rate, and beside a tenant
 * whose endpoint is black-holed (never answers: every attempt runs into the delivery timeout).
 * Each phase has a runtime and database of its own, so a phase measures one neighbour only and no
 * phase waits for the flood's backlog to drain.
 */
export async function measureFairness(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  options: FairnessOptions,
) {
  const phase = async (name: string, neighbour: Neighbour) => {
    const db = await databases(`bench_fairness_${name}`);
    const runtime = await spawnBenchRuntime(db.url);
    try {
      const quiet = await createTenants(runtime.apiUrl, receiver.url, {
        prefix: 'fq',
        tenants: 1,
        endpointsPerTenant: 1,
      });
      const noisy = neighbour
        ? await createTenants(runtime.apiUrl, receiver.url, {
            prefix: neighbour.prefix,
            tenants: 1,
            endpointsPerTenant: 1,
            blackhole: neighbour.blackhole,
          })
        : [];
      await receiver.setSecrets(Object.fromEntries([...quiet, ...noisy].map((e) => [e.path, e.secret])));
      await createBenchTable(db.url, TABLE);
      await receiver.reset();
      const [written, noisyWritten] = await Promise.all([
        offerLoad(db.url, TABLE, [{ tenantId: QUIET, buckets: 1 }], {
          perSecond: options.quietPerSecond,
          seconds: options.seconds,
        }),
        neighbour
          ? offerLoad(db.url, TABLE, [{ tenantId: `${neighbour.prefix}0`, buckets: 1 }], {
              perSecond: neighbour.perSecond,
              seconds: options.seconds,
            })
          : Promise.resolve<Written | null>(null),
      ]);
      // Only the quiet tenant's deliveries are waited for and joined: the noisy ones may still be queued.
      const stats = await waitForDeliveries(receiver, written.commits.size, { group: QUIET });
      const joined = joinArrivals(written.commits, await receiver.arrivals(QUIET), stats);
      return {
        completeness: joined.completeness,
        ...summarize(joined.latencies),
        neighbourOffered: noisyWritten?.commits.size ?? 0,
      };
    } finally {
      await runtime.stop();
      await db.drop();
    }
  };

  const floodPerSecond = options.quietPerSecond * 100;
  const blackholePerSecond = options.quietPerSecond * 10;
  const alone = await phase('alone', null);
  const withFlood = await phase('flood', { prefix: 'ff', blackhole: false, perSecond: floodPerSecond });
  const withBlackhole = await phase('blackhole', {
    prefix: 'fb',
    blackhole: true,
    perSecond: blackholePerSecond,
  });
  const ratio = (other: { p99: number }) => Math.round((other.p99 / Math.max(alone.p99, 1)) * 100) / 100;
  return {
    quietPerSecond: options.quietPerSecond,
    floodPerSecond,
    blackholePerSecond,
    seconds: options.seconds,
    alone,
    withFlood,
    withBlackhole,
    floodRatio: ratio(withFlood),
    blackholeRatio: ratio(withBlackhole),
  };
}
