import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { POSTGRES } from './constants.ts';
import { PostgresSetupError } from './errors.ts';
import type { PostgresUser } from './postgresUser.ts';

export interface Postmaster {
  pid: number;
  /** Fast shutdown (clients are disconnected, a checkpoint is written); settles once it has exited. */
  stop(): Promise<void>;
}

/** Runs the server on an initialised `dataDir` and settles once it accepts connections. */
export async function startPostmaster(options: {
  binaries: string;
  dataDir: string;
  port: number;
  flags: string[];
  user: PostgresUser | undefined;
  log: (line: string) => void;
  /** Its own process group: a terminal's Ctrl+C reaches only its parent, which stops it in turn. */
  detached?: boolean;
}): Promise<Postmaster> {
  const child = spawn(
    path.join(options.binaries, 'bin', 'postgres'),
    ['-D', options.dataDir, '-p', String(options.port), ...options.flags],
    {
      ...options.user,
      env: { ...process.env, LC_MESSAGES: POSTGRES.messagesLocale },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    },
  );
  const recent: string[] = [];
  let pending = '';
  const tail = () => [...recent, pending].join('\n').trim();
  let ready: () => void = () => {};
  // Read for as long as it runs: a full pipe would stall the server on its next log line.
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      options.log(line);
      recent.push(line);
      if (recent.length > POSTGRES.keptLogLines) recent.shift();
      if (line.includes(POSTGRES.readyMessage)) ready();
    }
  });
  child.stdout.on('data', (chunk: Buffer) => options.log(chunk.toString('utf8').trimEnd()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new PostgresSetupError(`PostgreSQL did not start in ${POSTGRES.startTimeoutMs} ms:\n${tail()}`));
    }, POSTGRES.startTimeoutMs);
    ready = () => {
      clearTimeout(timer);
      resolve();
    };
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new PostgresSetupError(`PostgreSQL could not run: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new PostgresSetupError(`PostgreSQL exited (${code ?? signal}) while starting:\n${tail()}`));
    });
  });
  running.add(child);
  if (running.size === 1) watchSignals();

  return {
    pid: child.pid ?? 0,
    async stop() {
      running.delete(child);
      if (running.size === 0) unwatchSignals();
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), POSTGRES.stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

const running = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * A script killed with SIGTERM would leave its servers running. When nothing else in the process
 * handles the signal (`npm start` does, and stops the server itself after the runtime), the
 * servers are stopped and the signal is raised again, so the process still ends the default way.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  const servers = [...running];
  running.clear();
  unwatchSignals();
  void Promise.all(servers.map(stopChild)).then(() => process.kill(process.pid, signal));
}

function watchSignals(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unwatchSignals(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
