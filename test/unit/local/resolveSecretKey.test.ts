import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../functions/local/errors.ts';
import { resolveSecretKey } from '../../../functions/local/resolveSecretKey.ts';

describe('resolveSecretKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rowhook-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers ROWHOOK_SECRET_KEY and then leaves the file alone', async () => {
    const key = Buffer.alloc(32, 3);
    const file = path.join(dir, 'secret-key');
    expect(await resolveSecretKey(key, file)).toEqual({ key, source: 'ROWHOOK_SECRET_KEY' });
    await expect(stat(file)).rejects.toThrow();
  });

  it('creates the key file once, readable only by its owner, and reuses it', async () => {
    const file = path.join(dir, 'nested', 'secret-key');
    const first = await resolveSecretKey(undefined, file);
    expect(first.source).toBe(file);
    expect(first.key.length).toBe(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(first.key);
    expect((await resolveSecretKey(undefined, file)).key).toEqual(first.key);
  });

  it('refuses a damaged key file with a message naming the file but not its content', async () => {
    const file = path.join(dir, 'secret-key');
    await writeFile(file, 'c2hvcnQ=\n');
    const error = await resolveSecretKey(undefined, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/decodes to 5 bytes; it must be 32/);
    expect((error as Error).message).not.toContain('c2hvcnQ=');
  });
});
