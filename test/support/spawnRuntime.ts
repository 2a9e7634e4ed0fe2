import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN_TOKEN, TEST_SECRET_KEY } from './startTestRuntime.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedRuntime {
  process: ChildProcess;
  apiUrl: string;
  output: () => string;
  /** Settles when the process is gone, with the signal that ended it (null for a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
}

export interface RuntimeProcess extends Omit<SpawnedRuntime, 'apiUrl'> {
  /** The API URL once the runtime says it is running; rejects if it exits first or never does. */
  ready: Promise<string>;
}

/** `npm start`'s entry point as a real child process, so a test can SIGKILL it. */
export async function spawnRuntime(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<SpawnedRuntime> {
  const started = startRuntimeProcess(databaseUrl, env);
  return { ...started, apiUrl: await started.ready };
}

/** `npm start`'s entry point; the chaos tests run theirs, which wraps the pipeline in kill points. */
export const RUNTIME_ENTRY = path.join(ROOT, 'functions/local/main.ts');
export const CHAOS_RUNTIME_ENTRY = path.join(ROOT, 'test/support/chaos/chaosMain.ts');

/** Like spawnRuntime without waiting: for tests that may kill it while it is still starting. */
export function startRuntimeProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  entry = RUNTIME_ENTRY,
): RuntimeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ROWHOOK_PORT: '0',
      ROWHOOK_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      ROWHOOK_SECRET_KEY: TEST_SECRET_KEY,
      ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      ROWHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms',
      ROWHOOK_POLL_INTERVAL: '50ms',
      ROWHOOK_SWEEP_INTERVAL: '250ms',
      ROWHOOK_NUDGE_INTERVAL: '0ms',
      ROWHOOK_DELIVERY_TIMEOUT: '1s',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runtime did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /API:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code ?? signal}:\n${output}`));
    });
  });
  // A caller that kills the process before it is ready need not handle this rejection.
  ready.catch(() => {});
  return { process: child, ready, exited, output: () => output };
}

export function killHard(runtime: Pick<SpawnedRuntime, 'process'>): Promise<void> {
  return new Promise((resolve) => {
    if (runtime.process.exitCode !== null || runtime.process.signalCode !== null) return resolve();
    runtime.process.once('exit', () => resolve());
    runtime.process.kill('SIGKILL');
  });
}
