import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnScript } from '../support/spawnScript.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ReceiverStats {
  /** Verified deliveries, each message and each row counted once. */
  unique: number;
  duplicates: number;
  badSignatures: number;
  ceilingCount: number;
  /** Unique deliveries per group (the tenant in /e/<tenant>/<endpoint>). */
  groups: Record<string, number>;
}

/** Row id (the body's data.id) and arrival time (ms since the epoch), index by index. */
export interface Arrivals {
  ids: string[];
  at: number[];
}

export type BenchReceiver = Awaited<ReturnType<typeof startBenchReceiver>>;

export async function startBenchReceiver(ceilingSecret: string) {
  const script = await spawnScript(path.join(here, 'benchReceiver.ts'), /RECEIVER (\d+)/, {
    BENCH_CEILING_SECRET: ceilingSecret,
  });
  const url = `http://127.0.0.1:${script.ready}`;
  const control = async (name: string, body?: unknown) => {
    const response = await fetch(`${url}/_control/${name}`, {
      method: body === undefined ? 'GET' : 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`receiver ${name}: ${response.status}`);
    return response.status === 200 ? response.json() : undefined;
  };
  return {
    url,
    setSecrets: (secrets: Record<string, string>) => control('secrets', secrets),
    reset: () => control('reset', {}),
    stats: () => control('stats') as Promise<ReceiverStats>,
    arrivals: (group?: string) =>
      control(
        group === undefined ? 'arrivals' : `arrivals?group=${encodeURIComponent(group)}`,
      ) as Promise<Arrivals>,
    stop: script.stop,
  };
}

/**
 * Polls until the receiver has `expected` unique deliveries (in `group`, or in all), until none
 * arrived for `stallMs` (something is missing: the caller reports the shortfall rather than
 * waiting out `maxMs`), or until `maxMs` passes.
 */
export async function waitForDeliveries(
  receiver: BenchReceiver,
  expected: number,
  options: { group?: string; stallMs?: number; maxMs?: number } = {},
): Promise<ReceiverStats> {
  // Longer than a retry after a timeout or 429 (30 s floor, ±20 %), so a late retry is not a loss.
  const stallMs = options.stallMs ?? 40_000;
  const deadline = Date.now() + (options.maxMs ?? 10 * 60_000);
  let last = -1;
  let lastProgressAt = Date.now();
  for (;;) {
    const stats = await receiver.stats();
    const count = options.group === undefined ? stats.unique : (stats.groups[options.group] ?? 0);
    if (count >= expected) return stats;
    const now = Date.now();
    if (count !== last) {
      last = count;
      lastProgressAt = now;
    }
    if (now - lastProgressAt > stallMs || now > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
