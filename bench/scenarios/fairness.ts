import type { BenchReceiver } from '../receiver/startBenchReceiver.ts';
import { createBenchTable, createTenants, spawnBenchRuntime } from '../support/benchRuntime.ts';
import { summarize } from '../support/percentiles.ts';
import { offerLoad } from '../support/writeRows.ts';

const TABLE = 'bench_fairness';

export interface FairnessOptions {
  quietPerSecond: number;
  seconds: number;
}

/**
 * 5. A quiet tenant's p99 alone; with another tenant flooding at 100× its rate; with a third
 * tenant's endpoint black-holed (never answers, so every attempt runs into the delivery timeout).
 */
export async function measureFairness(
  databaseUrl: string,
  receiver: BenchReceiver,
  options: FairnessOptions,
) {
  const runtime = await spawnBenchRuntime(databaseUrl);
  try {
    const quiet = await createTenants(runtime.apiUrl, receiver.url, {
      prefix: 'fq',
      tenants: 1,
      endpointsPerTenant: 1,
    });
    const flood = await createTenants(runtime.apiUrl, receiver.url, {
      prefix: 'ff',
      tenants: 1,
      endpointsPerTenant: 1,
    });
    const hole = await createTenants(runtime.apiUrl, receiver.url, {
      prefix: 'fb',
      tenants: 1,
      endpointsPerTenant: 1,
      blackhole: true,
    });
    await receiver.setSecrets(Object.fromEntries([...quiet, ...flood].map((e) => [e.path, e.secret])));
    await createBenchTable(databaseUrl, TABLE);
    const quietTarget = { tenantId: 'fq0', buckets: 1 };

    const deliveredTo = async (group: string, count: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      let stats = await receiver.stats();
      while ((stats.latencies[group]?.length ?? 0) < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        stats = await receiver.stats();
      }
      return stats.latencies[group] ?? [];
    };
    const phase = async (noisy: Promise<number> | null) => {
      await receiver.reset();
      const [offered, noisyOffered] = await Promise.all([
        offerLoad(databaseUrl, TABLE, quietTarget, {
          perSecond: options.quietPerSecond,
          seconds: options.seconds,
        }),
        noisy,
      ]);
      // Only the quiet tenant's deliveries are waited for: the noisy ones may still be queued.
      return {
        quiet: summarize(await deliveredTo('fq0', offered, 120_000)),
        noisyOffered: noisyOffered ?? 0,
      };
    };

    const { quiet: alone } = await phase(null);
    const floodRate = options.quietPerSecond * 100;
    const flooded = await phase(
      offerLoad(
        databaseUrl,
        TABLE,
        { tenantId: 'ff0', buckets: 1 },
        { perSecond: floodRate, seconds: options.seconds },
      ),
    );
    const withFlood = flooded.quiet;
    // Let the flood drain before the next phase, so each phase measures one neighbour.
    await deliveredTo('ff0', flooded.noisyOffered, 300_000);
    const { quiet: withBlackhole } = await phase(
      offerLoad(
        databaseUrl,
        TABLE,
        { tenantId: hole[0]?.tenantId ?? 'fb0', buckets: 1 },
        {
          perSecond: options.quietPerSecond * 10,
          seconds: options.seconds,
        },
      ),
    );
    const ratio = (other: { p99: number }) => Math.round((other.p99 / Math.max(alone.p99, 1)) * 100) / 100;
    return {
      quietPerSecond: options.quietPerSecond,
      floodPerSecond: floodRate,
      blackholePerSecond: options.quietPerSecond * 10,
      seconds: options.seconds,
      alone,
      withFlood,
      withBlackhole,
      floodRatio: ratio(withFlood),
      blackholeRatio: ratio(withBlackhole),
    };
  } finally {
    await runtime.stop();
  }
}
