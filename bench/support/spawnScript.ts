import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface SpawnedScript {
  child: ChildProcess;
  /** The first capture group of `ready` in the script's output. */
  ready: string;
  output: () => string;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB: () => Promise<number>;
  stop: () => Promise<void>;
}

/** Runs a TypeScript entry point in its own Node process and waits for it to print `ready`. */
export async function spawnScript(
  script: string,
  ready: RegExp,
  env: Record<string, string>,
  args: string[] = [],
): Promise<SpawnedScript> {
  const child = spawn(process.execPath, [...args, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    // Keep the tail only: a long run must not grow the orchestrator's memory.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const match = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
    const check = () => {
      const found = ready.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    ready: match,
    output: () => output,
    peakRssMiB: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
