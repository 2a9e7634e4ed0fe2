import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI_DEFAULTS, ENV_VARS } from './constants.ts';
import { UsageError } from './errors.ts';

export interface Connection {
  url: string;
  token: string | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The local runtime's data folder: ROWHOOK_DATA_DIR, else `.rowhook` in the current directory. */
export function localDataDir(env: Record<string, string | undefined>, cwd: string): string {
  return path.resolve(cwd, env[ENV_VARS.dataDir] || CLI_DEFAULTS.dataDir);
}

/**
 * --url / ROWHOOK_URL (default the local runtime), --token / ROWHOOK_TOKEN, else the admin token
 * `npm start` wrote into the data folder — only for a loopback URL, so a local token is never sent
 * to a remote deployment.
 */
export async function resolveConnection(
  flags: { url?: string; token?: string },
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<Connection> {
  const url = flags.url || env[ENV_VARS.url] || CLI_DEFAULTS.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url "${url}" is not a URL; expected e.g. ${CLI_DEFAULTS.url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url "${url}" must be an http:// or https:// URL`);
  }
  const explicit = flags.token || env[ENV_VARS.token];
  if (explicit) return { url, token: explicit.trim() };
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) return { url, token: undefined };
  const file = path.join(localDataDir(env, cwd), 'admin-token');
  const stored = (await readFile(file, 'utf8').catch(() => '')).trim();
  return { url, token: stored || undefined };
}

/** --database-url, DATABASE_URL, or the URL the embedded runtime wrote to `<data dir>/database-url`. */
export async function resolveDatabaseUrl(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string | undefined> {
  if (flag) return flag;
  if (env[ENV_VARS.databaseUrl]) return env[ENV_VARS.databaseUrl];
  const stored = await readFile(path.join(localDataDir(env, cwd), 'database-url'), 'utf8').catch(() => '');
  return stored.trim() || undefined;
}
