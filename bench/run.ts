import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../functions/local/startEmbeddedPostgres.ts';
import { measureBaseline } from './baselines/graphileWorker/runBaseline.ts';
import { startBenchReceiver } from './receiver/startBenchReceiver.ts';
import { measureBackfill } from './scenarios/backfill.ts';
import { measureCapture } from './scenarios/capture.ts';
import { measureCeiling } from './scenarios/ceiling.ts';
import { measureFairness } from './scenarios/fairness.ts';
import { measureLatency } from './scenarios/latency.ts';
import { measurePurge } from './scenarios/purge.ts';
import { measureThroughput, type ThroughputWorkload } from './scenarios/throughput.ts';
import { databaseFactory } from './support/freshDatabase.ts';
import { summarizeResults } from './support/summarizeResults.ts';
import { writeResultsMarkdown } from './support/writeResultsMarkdown.ts';

// `npm run bench [-- --quick] [-- --only=<steps>]`: measures and records; never passes or fails on
// a number. Every figure that has a goal is a ratio against something measured in this same run,
// or a latency; every run that delivers checks that everything it offered arrived.
const STEPS = [
  'ceiling',
  'throughput',
  'ordered',
  'latency',
  'fairness',
  'capture',
  'baseline',
  'backfill',
  'purge',
] as const;
// Older step names still select what they used to.
const ALIASES: Record<string, string[]> = {
  endToEnd: ['throughput', 'latency'],
  captureOverhead: ['capture'],
};

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .flatMap((name) => ALIASES[name] ?? [name]);
const unknown = only?.filter((name) => !(STEPS as readonly string[]).includes(name)) ?? [];
if (unknown.length > 0)
  throw new Error(`--only: unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.join(', ')}`);
const here = path.dirname(fileURLToPath(import.meta.url));

// Planned so the full run stays under ~10 minutes and --quick under ~2 on 2 cores; quick runs
// every scenario, shortly (its fairness samples fall short of 1,000, and the table says so).
const SIZES = quick
  ? {
      rows: 10_000,
      ceilingSeconds: 2,
      latency: { spread: 5, oneTenant: 5, singleRow: 3 },
      fairness: { quietPerSecond: 25, seconds: 4 },
      capture: { singleRowSeconds: 1, batchSeconds: 1, rounds: 2 },
      backfill: { rows: 20_000, batch: 500, writers: 4, aloneSeconds: 2 },
      purgeHistory: 50_000,
    }
  : {
      rows: 50_000,
      ceilingSeconds: 5,
      latency: { spread: 60, oneTenant: 60, singleRow: 20 },
      // 25/s × 40 s = 1,000 quiet samples per phase; the flood is 2,500/s.
      fairness: { quietPerSecond: 25, seconds: 40 },
      capture: { singleRowSeconds: 4, batchSeconds: 3, rounds: 3 },
      backfill: { rows: 200_000, batch: 500, writers: 4, aloneSeconds: 5 },
      purgeHistory: 300_000,
    };

const WORKLOAD: ThroughputWorkload = {
  rows: SIZES.rows,
  perStatement: 100,
  clients: 4,
  tenants: 10,
  endpointsPerTenant: 5,
};

const wanted = (name: (typeof STEPS)[number]) => !only || only.includes(name);

async function main() {
  const started = Date.now();
  let adminUrl = process.env.DATABASE_URL;
  let stopPostgres = async () => {};
  if (!adminUrl) {
    const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-bench-'));
    await chmod(folder, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pgdata'), ephemeral: true });
    adminUrl = server.adminUrl;
    stopPostgres = async () => {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    };
  }
  const databases = databaseFactory(adminUrl);
  const ceilingSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startBenchReceiver(ceilingSecret);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    cpus: cpus().length,
    stepSeconds: {},
  };
  const stepSeconds = results.stepSeconds as Record<string, number>;
  const step = async (name: (typeof STEPS)[number], run: () => Promise<unknown>) => {
    if (!wanted(name)) return;
    const t0 = Date.now();
    process.stdout.write(`bench: ${name}...\n`);
    results[name] = await run();
    stepSeconds[name] = Math.round((Date.now() - t0) / 1000);
    process.stdout.write(`bench: ${name} done in ${stepSeconds[name]} s\n`);
  };
  try {
    await step('ceiling', () => measureCeiling(receiver, ceilingSecret, SIZES.ceilingSeconds));
    await step('throughput', () => measureThroughput(databases, receiver, WORKLOAD));
    await step('ordered', () => measureThroughput(databases, receiver, WORKLOAD, 'per-key'));
    await step('latency', () => measureLatency(databases, receiver, SIZES.latency));
    await step('fairness', () => measureFairness(databases, receiver, SIZES.fairness));
    await step('capture', () => measureCapture(databases, { clients: 8, batchClients: 2, ...SIZES.capture }));
    await step('baseline', async () => ({
      tuned: await measureBaseline(databases, receiver, 'tuned', WORKLOAD),
      defaults: await measureBaseline(databases, receiver, 'defaults', WORKLOAD),
    }));
    await step('backfill', () => measureBackfill(databases, SIZES.backfill));
    await step('purge', () => measurePurge(databases, receiver, WORKLOAD, SIZES.purgeHistory));
    results.wallSeconds = Math.round((Date.now() - started) / 1000);
    const rows = summarizeResults(results);
    results.summary = rows;
    await mkdir(path.join(here, 'results'), { recursive: true });
    const file = path.join(
      here,
      'results',
      `${String(results.date).slice(0, 10)}${quick ? '-quick' : ''}.json`,
    );
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    await writeResultsMarkdown(
      path.join(here, 'RESULTS.md'),
      `### ${String(results.date).slice(0, 10)}${quick ? ' (--quick)' : ''}: ${cpus().length} cores, Node ${process.version}, ${results.wallSeconds} s`,
      rows,
    );
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to ${file} and bench/RESULTS.md\n`);
  } finally {
    await receiver.stop();
    await stopPostgres();
  }
}

await main();
