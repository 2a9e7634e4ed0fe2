import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROWHOOK_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../functions/cli/rowhook.mjs',
);

/** A folder with no .rowhook/ in it, so no local admin token is picked up by accident. */
export const EMPTY_CWD = mkdtempSync(path.join(tmpdir(), 'rowhook-cli-'));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Environment without the caller's ROWHOOK_* / DATABASE_URL, so tests decide every input. */
function cleanEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('ROWHOOK_') && key !== 'DATABASE_URL') env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Starts `node functions/cli/rowhook.mjs <args>` as the user would, from an unrelated folder. */
export function startRowhook(args: string[], options: RunOptions = {}) {
  const child = spawn(process.execPath, [ROWHOOK_BIN, ...args], {
    cwd: options.cwd ?? EMPTY_CWD,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: CliResult = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    result.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    result.stderr += chunk.toString();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      result.code = code;
      resolve(result);
    });
  });
  return { child, result, done };
}

export function runRowhook(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return startRowhook(args, options).done;
}

/** Runs with ROWHOOK_URL / ROWHOOK_TOKEN set, as a script against a deployment would. */
export function cliFor(url: string, token: string) {
  return (args: string[], env: Record<string, string | undefined> = {}) =>
    runRowhook(args, { env: { ROWHOOK_URL: url, ROWHOOK_TOKEN: token, ...env } });
}

/**
 * Each CLI run is a fresh Node process loading TypeScript through tsx: a second or two idle, far more
 * on a loaded machine. A test running several in a row gets this ceiling instead of the default 30 s.
 */
export const CLI_TEST_TIMEOUT_MS = 180_000;
