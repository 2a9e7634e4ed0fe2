import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidEncryptionKeyError } from '../core/crypto/errors.ts';
import { generateEncryptionKey } from '../core/crypto/generateEncryptionKey.ts';
import { parseEncryptionKey } from '../core/crypto/parseEncryptionKey.ts';
import { InvalidConfigError } from './errors.ts';

/**
 * The key that seals signing secrets at rest: ROWHOOK_SECRET_KEY, else the key file (by default
 * `<dataDir>/secret-key`), which is created (mode 0600, random key) when it does not exist yet.
 * Losing the file loses every stored signing secret: endpoints then need a secret rotation.
 */
export async function resolveSecretKey(
  configured: Buffer | undefined,
  file: string,
): Promise<{ key: Buffer; source: string }> {
  if (configured) return { key: configured, source: 'ROWHOOK_SECRET_KEY' };
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new InvalidConfigError(
      `ROWHOOK_SECRET_KEY_FILE: cannot read ${file} (${error.code ?? error.message})`,
      {
        cause: error,
      },
    );
  });
  if (existing !== undefined) return { key: parseKeyFile(existing, file), source: file };
  await mkdir(path.dirname(file), { recursive: true });
  const text = generateEncryptionKey();
  // 'wx': when two runtimes start at once, the second reads the first one's key instead of replacing it.
  const created = await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw new InvalidConfigError(
        `ROWHOOK_SECRET_KEY_FILE: cannot create ${file} (${error.code ?? error.message})`,
        { cause: error },
      );
    },
  );
  if (!created) return { key: parseKeyFile(await readFile(file, 'utf8'), file), source: file };
  return { key: parseEncryptionKey(text, file), source: file };
}

function parseKeyFile(text: string, file: string): Buffer {
  try {
    return parseEncryptionKey(text, `the secret key file ${file}`);
  } catch (error) {
    if (error instanceof InvalidEncryptionKeyError)
      throw new InvalidConfigError(error.message, { cause: error });
    throw error;
  }
}
