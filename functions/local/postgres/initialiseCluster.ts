import { spawn } from 'node:child_process';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { POSTGRES } from './constants.ts';
import { PostgresSetupError } from './errors.ts';
import type { PostgresUser } from './postgresUser.ts';

/** initdb: a new cluster in `dataDir` whose superuser `postgres` logs in with `password`. */
export async function initialiseCluster(options: {
  binaries: string;
  dataDir: string;
  password: string;
  user: PostgresUser | undefined;
  log: (line: string) => void;
}): Promise<void> {
  const { dataDir, user } = options;
  await mkdir(dataDir, { recursive: true });
  if (user) await chown(dataDir, user.uid, user.gid);
  // Beside the data folder, which the server's user reaches; readable by that user alone.
  const passwordFile = `${dataDir}.initdb-password`;
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (user) await chown(passwordFile, user.uid, user.gid);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(options.binaries, 'bin', 'initdb'),
        [
          `--pgdata=${dataDir}`,
          '--auth=password',
          `--username=${POSTGRES.user}`,
          `--pwfile=${passwordFile}`,
          `--lc-messages=${POSTGRES.messagesLocale}`,
        ],
        {
          ...user,
          env: { ...process.env, LC_MESSAGES: POSTGRES.messagesLocale },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let errors = '';
      child.stdout.on('data', (chunk: Buffer) => options.log(chunk.toString('utf8').trimEnd()));
      child.stderr.on('data', (chunk: Buffer) => {
        errors += chunk.toString('utf8');
        options.log(chunk.toString('utf8').trimEnd());
      });
      child.once('error', (error) =>
        reject(new PostgresSetupError(`initdb could not run: ${error.message}`, { cause: error })),
      );
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new PostgresSetupError(`initdb failed (${code ?? signal}) for ${dataDir}: ${errors.trim()}`),
          );
      });
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}
