import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isReachableByPostgresUser } from './postgres/isReachableByPostgresUser.ts';
import { scratchFolders } from './postgres/scratchFolders.ts';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './startEmbeddedPostgres.ts';

const EMBEDDED_DATABASE = 'rowhook';

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under `<dataDir>/pgdata`, with a
 * `rowhook` database created on first start.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  log: (line: string) => void;
}): Promise<{ url: string; embedded: EmbeddedPostgresHandle | undefined }> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: undefined };
  const embedded = await startEmbeddedPostgres({
    dataDir: await clusterDir(options.dataDir),
    log: options.log,
    // Ctrl+C stops the runtime first (its last writes), then the server: see runLocal's shutdown.
    ownProcessGroup: true,
  });
  const admin = new pg.Client({ connectionString: embedded.adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [
      EMBEDDED_DATABASE,
    ]);
    if (!rowCount) await admin.query(`create database ${EMBEDDED_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(embedded.adminUrl);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return { url: url.toString(), embedded };
}

/**
 * `<dataDir>/pgdata`, unless running as root from a folder the `postgres` user cannot reach (a
 * checkout in root's 0700 home): then a per-project folder under the OS temp dir (or the first
 * other scratch folder that user can reach, when TMPDIR is private too).
 */
async function clusterDir(dataDir: string): Promise<string> {
  const preferred = path.join(dataDir, 'pgdata');
  if (await isReachableByPostgresUser(path.dirname(dataDir))) return preferred;
  const project = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  for (const folder of scratchFolders()) {
    if (await isReachableByPostgresUser(folder)) return path.join(folder, `rowhook-${project}`, 'pgdata');
  }
  // None reachable: startEmbeddedPostgres explains, naming ROWHOOK_DATA_DIR.
  return path.join(tmpdir(), `rowhook-${project}`, 'pgdata');
}
