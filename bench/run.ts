import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Database } from '../functions/adapters/pg/Database.ts';
import { prepareDatabase } from '../functions/local/createLocalRuntime.ts';
import { startEmbeddedPostgres } from '../functions/local/startEmbeddedPostgres.ts';
import { measureBaseline } from './baselines/graphileWorker/runBaseline.ts';
import { measureCaptureOverhead } from './captureOverhead.ts';
import { startBenchReceiver } from './receiver/startBenchReceiver.ts';
import { measureCeiling } from './scenarios/ceiling.ts';
import { measureLatency, measureThroughput } from './scenarios/endToEnd.ts';
import { measureFairness } from './scenarios/fairness.ts';
import { summarizeResults } from './support/summarizeResults.ts';
import { writeResultsMarkdown } from './support/writeResultsMarkdown.ts';

// `npm run bench [-- --quick]`: measures and records; never passes or fails on a number. Every
// figure that has a goal is a ratio against something measured in this same run.
const quick = process.argv.includes('--quick');
const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = quick
  ? {
      rows: 10_000,
      ceilingSeconds: 2,
      latencySeconds: 5,
      fairnessSeconds: 5,
      captureSeconds: 2,
      captureRounds: 1,
    }
  : {
      rows: 100_000,
      ceilingSeconds: 5,
      latencySeconds: 20,
      fairnessSeconds: 15,
      captureSeconds: 5,
      captureRounds: 3,
    };

const wanted = (name: string) => !only || only.includes(name);

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new Database({ connectionString: url.toString() });
  await prepareDatabase(db, 25);
  await db.close();
  return url.toString();
}

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
  const ceilingSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startBenchReceiver(ceilingSecret);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    cpus: cpus().length,
  };
  const step = async (name: string, run: () => Promise<unknown>) => {
    if (!wanted(name)) return;
    const t0 = Date.now();
    process.stdout.write(`bench: ${name}...\n`);
    results[name] = await run();
    process.stdout.write(`bench: ${name} done in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  };
  try {
    await step('ceiling', () => measureCeiling(receiver, ceilingSecret, SIZES.ceilingSeconds));
    await step('endToEnd', async () => {
      const throughput = await measureThroughput(await freshDatabase(adminUrl, 'bench_e2e'), receiver, {
        rows: SIZES.rows,
        tenants: 10,
        endpointsPerTenant: 5,
      });
      const latency = await measureLatency(await freshDatabase(adminUrl, 'bench_latency'), receiver, {
        endpointsPerTenant: 5,
        latencyRatePerSecond: 1000,
        latencySeconds: SIZES.latencySeconds,
      });
      return {
        throughput: throughput.throughput,
        latency: latency.latency,
        peakRssMiB: { throughput: throughput.peakRssMiB, latency: latency.peakRssMiB },
      };
    });
    await step('captureOverhead', async () =>
      measureCaptureOverhead(await freshDatabase(adminUrl, 'bench_capture'), {
        clients: 8,
        secondsPerRound: SIZES.captureSeconds,
        rounds: SIZES.captureRounds,
      }),
    );
    await step('fairness', async () =>
      measureFairness(await freshDatabase(adminUrl, 'bench_fairness'), receiver, {
        quietPerSecond: 10,
        seconds: SIZES.fairnessSeconds,
      }),
    );
    await step('baseline', async () =>
      measureBaseline(await freshDatabase(adminUrl, 'bench_baseline'), receiver, {
        rows: SIZES.rows,
        tenants: 10,
        endpointsPerTenant: 5,
      }),
    );
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
