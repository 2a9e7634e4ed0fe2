import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../functions/local/errors.ts';
import { loadConfig } from '../../../functions/local/loadConfig.ts';

const CWD = '/srv/app';

describe('secret key configuration', () => {
  it('defaults to the key file in the data directory, and reads a key from the environment', () => {
    const config = loadConfig({ ROWHOOK_DATA_DIR: 'state' }, CWD);
    expect(config.secretKey).toBeUndefined();
    expect(config.previousSecretKey).toBeUndefined();
    expect(config.secretKeyFile).toBe(path.join(CWD, 'state', 'secret-key'));

    const key = Buffer.alloc(32, 9);
    const previous = Buffer.alloc(32, 8);
    const explicit = loadConfig(
      {
        ROWHOOK_SECRET_KEY: key.toString('base64'),
        ROWHOOK_SECRET_KEY_PREVIOUS: previous.toString('base64'),
        ROWHOOK_SECRET_KEY_FILE: 'keys/k',
      },
      CWD,
    );
    expect(explicit.secretKey).toEqual(key);
    expect(explicit.previousSecretKey).toEqual(previous);
    expect(explicit.secretKeyFile).toBe(path.join(CWD, 'keys', 'k'));
  });

  it.each(['ROWHOOK_SECRET_KEY', 'ROWHOOK_SECRET_KEY_PREVIOUS'])(
    'refuses an unusable %s without echoing it',
    (name) => {
      for (const value of ['hunter2-not-base64', Buffer.alloc(31, 1).toString('base64')]) {
        let caught: unknown;
        try {
          loadConfig({ [name]: value }, CWD);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(InvalidConfigError);
        const message = (caught as Error).message;
        expect(message).toMatch(
          new RegExp(`^${name}=\\(value hidden\\) (must hold the base64|decodes to 31 bytes)`),
        );
        expect(message).not.toContain(value);
      }
    },
  );
});
