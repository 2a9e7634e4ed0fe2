import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../functions/adapters/pg/Database.ts';
import { prepareDatabase } from '../functions/local/createLocalRuntime.ts';
import { startEmbeddedPostgres } from '../functions/local/startEmbeddedPostgres.ts';
import { measureCaptureOverhead } from './captureOverhead.ts';

// `npm run bench [-- --quick]`: measures and records; never passes or fails on a number.
// Today: capture overhead. The full suite (throughput vs ceiling, latency, fairness, baseline,
// memory) is issue #6.
const quick = process.argv.includes('--quick');
const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!databaseUrl) {
    const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-bench-'));
    await chmod(folder, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pgdata'), ephemeral: true });
    databaseUrl = server.adminUrl;
    stop = async () => {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    };
  }
  try {
    const db = new Database({ connectionString: databaseUrl });
    await prepareDatabase(db, 25);
    await db.close();
    const capture = await measureCaptureOverhead(databaseUrl, {
      clients: 8,
      secondsPerRound: quick ? 2 : 5,
      rounds: quick ? 1 : 3,
    });
    const result = { date: new Date().toISOString(), quick, node: process.version, captureOverhead: capture };
    await mkdir(path.join(here, 'results'), { recursive: true });
    const file = path.join(here, 'results', `${result.date.slice(0, 10)}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${file}\n`);
  } finally {
    await stop();
  }
}

await main();
