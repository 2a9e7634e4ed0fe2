import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RowhookError } from '../core/errors/RowhookError.ts';
import { acquireRuntimeLock } from './acquireRuntimeLock.ts';
import { createLocalRuntime } from './createLocalRuntime.ts';
import { InvalidConfigError } from './errors.ts';
import { loadConfig } from './loadConfig.ts';
import { openDatabase } from './openDatabase.ts';
import type { PipelineSeams } from './PipelineSeams.ts';
import { resolveAdminToken } from './resolveAdminToken.ts';
import { resolveSecretKey } from './resolveSecretKey.ts';

const log = (entry: Record<string, unknown>) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', ...entry })}\n`);

/**
 * `npm start`: the whole pipeline and the HTTP API in one process, until SIGINT or SIGTERM. Exits
 * the process with a message when it cannot start. Tests pass seams to wrap the pipeline's parts.
 */
export function runLocal(seams?: PipelineSeams): void {
  start(seams).catch((error: unknown) => {
    if (error instanceof RowhookError && !error.retryable) {
      process.stderr.write(`rowhook: ${error.message}\n`);
    } else {
      process.stderr.write(
        `rowhook: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}

async function start(seams: PipelineSeams | undefined): Promise<void> {
  const config = loadConfig(process.env);
  await mkdir(config.dataDir, { recursive: true });
  // Only the embedded cluster is ours alone; several runtimes may share a DATABASE_URL.
  const lock = config.databaseUrl ? undefined : await acquireRuntimeLock(config.dataDir);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log: (line) => config.logPostgres && process.stderr.write(`[postgres] ${line}\n`),
  });
  const admin = await resolveAdminToken(config.adminToken, config.dataDir);
  const secretKey = await resolveSecretKey(config.secretKey, config.secretKeyFile);
  if (database.embedded) {
    // For `npm run sql` and your own tools; readable only by you, like the admin token.
    await writeFile(path.join(config.dataDir, 'database-url'), `${database.url}\n`, { mode: 0o600 });
  }
  const runtime = await createLocalRuntime(
    { ...config, databaseUrl: database.url, adminToken: admin.token, secretKey: secretKey.key },
    log,
    seams ? { seams } : {},
  ).catch((error: unknown) => {
    if (error instanceof RowhookError && error.retryable && config.databaseUrl) {
      const url = new URL(config.databaseUrl);
      throw new InvalidConfigError(
        `cannot use the PostgreSQL in DATABASE_URL (${url.hostname}:${url.port || 5432}): ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  });

  await lock?.note(runtime.apiUrl);
  const shownDbUrl = new URL(database.url);
  if (shownDbUrl.password) shownDbUrl.password = '****';
  process.stdout.write(
    [
      'Rowhook is running.',
      `  API:          ${runtime.apiUrl}`,
      `  Database:     ${shownDbUrl}${database.embedded ? ` (embedded; full URL in ${path.join(config.dataDir, 'database-url')}, data in ${database.embedded.dataDir})` : ''}`,
      ...(database.embedded?.binaries.copiedFrom
        ? [
            `  PostgreSQL:   run as the postgres user from ${database.embedded.binaries.folder} (a copy: it cannot reach ${database.embedded.binaries.copiedFrom})`,
          ]
        : []),
      `  Admin token:  ${admin.source === 'ROWHOOK_ADMIN_TOKEN' ? 'from ROWHOOK_ADMIN_TOKEN' : `in ${admin.source}`}`,
      `  Secret key:   ${secretKey.source === 'ROWHOOK_SECRET_KEY' ? 'from ROWHOOK_SECRET_KEY' : `in ${secretKey.source} (back it up: stored signing secrets are encrypted with it)`}`,
      `  Deliveries may reach: public addresses${config.allowedNetworks.length ? ` and ${config.allowedNetworks.join(', ')}` : ' only (set ROWHOOK_ALLOWED_NETWORKS to allow e.g. 127.0.0.1/32)'}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ msg: `received ${signal}, shutting down` });
    await runtime.stop().catch((error) => log({ level: 'error', msg: String(error) }));
    await database.embedded?.stop().catch(() => {});
    await lock?.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
