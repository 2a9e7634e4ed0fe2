import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnScript } from '../support/spawnScript.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ReceiverStats {
  unique: number;
  duplicates: number;
  badSignatures: number;
  firstAt: number;
  lastAt: number;
  ceilingCount: number;
  latencies: Record<string, number[]>;
}

export type BenchReceiver = Awaited<ReturnType<typeof startBenchReceiver>>;

export async function startBenchReceiver(ceilingSecret: string) {
  const script = await spawnScript(path.join(here, 'benchReceiver.ts'), /RECEIVER (\d+)/, {
    BENCH_CEILING_SECRET: ceilingSecret,
  });
  const url = `http://127.0.0.1:${script.ready}`;
  const control = async (name: string, body?: unknown) => {
    const response = await fetch(`${url}/_control/${name}`, {
      method: body === undefined && name === 'stats' ? 'GET' : 'POST',
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
    stop: script.stop,
  };
}

/** Polls until the receiver has `count` unique deliveries or `timeoutMs` passes. */
export async function waitForDeliveries(receiver: BenchReceiver, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await receiver.stats();
    if (stats.unique >= count || Date.now() > deadline) return stats;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
