import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetrySchedule } from '../../../functions/core/retry/defaultRetrySchedule.ts';
import { InvalidConfigError } from '../../../functions/local/errors.ts';
import { loadConfig } from '../../../functions/local/loadConfig.ts';

const CWD = '/srv/rowhook';

function configError(env: Record<string, string>): InvalidConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return error as InvalidConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({}, CWD);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.join(CWD, '.rowhook'),
      adminToken: undefined,
      allowedNetworks: [],
      production: false,
      secretOverlapMs: 24 * 3_600_000,
      connectTimeoutMs: 15_000,
      deliveryTimeoutMs: 15_000,
      concurrency: 200,
      endpointConcurrency: 10,
      maxEventBytes: 256 * 1024,
      sweepIntervalMs: 5_000,
      pollIntervalMs: 1_000,
      nudgeIntervalMs: 25,
      relayBatchSize: 500,
      logPostgres: false,
    });
    // The one default schedule of functions/core/retry, not a copy of it.
    expect(config.retrySchedule).toBe(defaultRetrySchedule);
    expect(config.retrySchedule.toString()).toBe('5s,5m,30m,2h,5h,10h,10h');
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig(
      { ROWHOOK_PORT: '', ROWHOOK_RETRY_SCHEDULE: '   ', ROWHOOK_MODE: '', DATABASE_URL: ' ' },
      CWD,
    );
    expect(config.port).toBe(8080);
    expect(config.retrySchedule).toBe(defaultRetrySchedule);
    expect(config.production).toBe(false);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads valid values, trimming whitespace', () => {
    const config = loadConfig(
      {
        ROWHOOK_PORT: ' 9090 ',
        ROWHOOK_HOST: '0.0.0.0',
        DATABASE_URL: 'postgresql://u:p@db:5432/app',
        ROWHOOK_DATA_DIR: 'data/pg',
        ROWHOOK_ADMIN_TOKEN: 'a-long-enough-admin-token',
        ROWHOOK_RETRY_SCHEDULE: '1s, 2m',
        ROWHOOK_ALLOWED_NETWORKS: '10.1.0.0/16, ::1/128,127.0.0.1',
        ROWHOOK_MODE: 'production',
        ROWHOOK_SECRET_OVERLAP: '1h',
        ROWHOOK_DELIVERY_TIMEOUT: '5s',
        ROWHOOK_CONCURRENCY: '10',
        ROWHOOK_MAX_EVENT_BYTES: String(1024 * 1024),
        ROWHOOK_LOG_POSTGRES: '1',
      },
      CWD,
    );
    expect(config).toMatchObject({
      port: 9090,
      host: '0.0.0.0',
      databaseUrl: 'postgresql://u:p@db:5432/app',
      dataDir: path.join(CWD, 'data/pg'),
      adminToken: 'a-long-enough-admin-token',
      allowedNetworks: ['10.1.0.0/16', '::1/128', '127.0.0.1'],
      production: true,
      secretOverlapMs: 3_600_000,
      deliveryTimeoutMs: 5_000,
      // The connect timeout never exceeds the delivery timeout.
      connectTimeoutMs: 5_000,
      concurrency: 10,
      maxEventBytes: 1024 * 1024,
      logPostgres: true,
    });
    expect(config.retrySchedule.waitsMs).toEqual([1_000, 120_000]);
    expect(config.retrySchedule.maxAttempts).toBe(3);
  });

  it('accepts the edges of the ranges', () => {
    expect(loadConfig({ ROWHOOK_PORT: '0' }, CWD).port).toBe(0);
    expect(loadConfig({ ROWHOOK_PORT: '65535' }, CWD).port).toBe(65535);
    expect(loadConfig({ ROWHOOK_MAX_EVENT_BYTES: '1024' }, CWD).maxEventBytes).toBe(1024);
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x' }, CWD).databaseUrl).toBe(
      'postgres://localhost/x',
    );
    expect(loadConfig({ ROWHOOK_ADMIN_TOKEN: 'x'.repeat(16) }, CWD).adminToken).toBe('x'.repeat(16));
    expect(loadConfig({ ROWHOOK_MODE: 'development' }, CWD).production).toBe(false);
  });
});

describe('loadConfig refuses values it cannot use, naming the variable', () => {
  const cases: [name: string, value: string, fragments: string[]][] = [
    ['ROWHOOK_PORT', 'abc', ['whole number from 0 to 65535']],
    ['ROWHOOK_PORT', '70000', ['whole number from 0 to 65535']],
    ['ROWHOOK_PORT', '-1', ['whole number']],
    ['ROWHOOK_PORT', '80.5', ['whole number']],
    ['ROWHOOK_RETRY_SCHEDULE', '5x', ['"5x"']],
    ['ROWHOOK_RETRY_SCHEDULE', '5s,,5m', ['entry #2']],
    ['ROWHOOK_RETRY_SCHEDULE', '0s', ['greater than 0']],
    ['ROWHOOK_RETRY_SCHEDULE', '8d', ['7d']],
    ['ROWHOOK_ALLOWED_NETWORKS', '10.0.0.0/33', ['"10.0.0.0/33"', 'CIDR']],
    ['ROWHOOK_ALLOWED_NETWORKS', 'nonsense', ['"nonsense"', 'CIDR']],
    ['ROWHOOK_ALLOWED_NETWORKS', '10.0.0.0/8,::1/129', ['"::1/129"']],
    ['ROWHOOK_ALLOWED_NETWORKS', '10.0.0.0/8/8', ['"10.0.0.0/8/8"']],
    ['DATABASE_URL', 'mysql://root@db/app', ['postgres://']],
    ['DATABASE_URL', 'localhost:5432', ['postgres://']],
    ['ROWHOOK_ADMIN_TOKEN', 'short', ['at least 16 characters']],
    ['ROWHOOK_ADMIN_TOKEN', 'sixteen chars or more but spaced', ['without spaces']],
    ['ROWHOOK_MODE', 'staging', ['"development" or "production"']],
    ['ROWHOOK_MODE', 'Production', ['"development" or "production"']],
    ['ROWHOOK_DELIVERY_TIMEOUT', 'forever', ['duration like']],
    ['ROWHOOK_DELIVERY_TIMEOUT', '15', ['duration like']],
    ['ROWHOOK_DELIVERY_TIMEOUT', '1h', ['between 100 ms and 120000 ms']],
    ['ROWHOOK_DELIVERY_TIMEOUT', '50ms', ['between 100 ms']],
    ['ROWHOOK_CONNECT_TIMEOUT', 'soon', ['duration like']],
    ['ROWHOOK_SECRET_OVERLAP', '31d', ['between 0 ms']],
    ['ROWHOOK_SWEEP_INTERVAL', '10ms', ['between 50 ms']],
    ['ROWHOOK_POLL_INTERVAL', '2m', ['between 10 ms and 60000 ms']],
    ['ROWHOOK_NUDGE_INTERVAL', '-5ms', ['duration like']],
    ['ROWHOOK_MAX_EVENT_BYTES', '2000000', ['whole number from 1024 to 1048576']],
    ['ROWHOOK_MAX_EVENT_BYTES', '1023', ['from 1024']],
    ['ROWHOOK_CONCURRENCY', '0', ['from 1 to 10000']],
    ['ROWHOOK_ENDPOINT_CONCURRENCY', '101', ['from 1 to 100']],
    ['ROWHOOK_RELAY_BATCH', 'many', ['whole number']],
  ];

  it.each(cases)('%s=%j', (name, value, fragments) => {
    const error = configError({ [name]: value });
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(name);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });

  it('names the offending variable even when other variables are valid', () => {
    const error = configError({
      ROWHOOK_PORT: '8081',
      ROWHOOK_RETRY_SCHEDULE: '1s',
      ROWHOOK_MAX_EVENT_BYTES: '2000000',
    });
    expect(error.message).toContain('ROWHOOK_MAX_EVENT_BYTES');
    expect(error.message).not.toContain('ROWHOOK_PORT');
  });
});
