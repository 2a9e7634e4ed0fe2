import path from 'node:path';
import { parseEncryptionKey } from '../core/crypto/parseEncryptionKey.ts';
import { ENDPOINT_HEALTH } from '../core/health/constants.ts';
import { parseNetworkList } from '../core/network/AddressPolicy.ts';
import { RECOVERY_LIMITS } from '../core/recovery/constants.ts';
import { defaultRetrySchedule } from '../core/retry/defaultRetrySchedule.ts';
import { parseDuration } from '../core/retry/parseDuration.ts';
import { parseRetrySchedule } from '../core/retry/parseRetrySchedule.ts';
import type { RetrySchedule } from '../core/retry/RetrySchedule.ts';
import { decodeSecret } from '../core/signing/decodeSecret.ts';
import { InvalidConfigError } from './errors.ts';

export interface RuntimeConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  retrySchedule: RetrySchedule;
  allowedNetworks: string[];
  production: boolean;
  secretOverlapMs: number;
  connectTimeoutMs: number;
  deliveryTimeoutMs: number;
  concurrency: number;
  /** ROWHOOK_ENDPOINT_CONCURRENCY: attempts in flight per endpoint that sets no maxConcurrency. */
  endpointConcurrency: number;
  maxEventBytes: number;
  sweepIntervalMs: number;
  pollIntervalMs: number;
  nudgeIntervalMs: number;
  relayBatchSize: number;
  /** ROWHOOK_RECOVERY_BATCH: deliveries a recover job queues again per transaction (default 500). */
  recoveryBatchSize?: number;
  logPostgres: boolean;
  /** ROWHOOK_DISABLE_AFTER: an endpoint failing continuously this long is disabled. */
  disableAfterMs: number;
  /** ROWHOOK_OPERATOR_WEBHOOK_URL + _SECRET: where operational events are sent; null: recorded only. */
  operatorWebhook: { url: string; secret: string } | null;
  /** ROWHOOK_METRICS_PUBLIC=true: GET /metrics without the admin token (a scraper on a private network). */
  metricsPublic: boolean;
  /** ROWHOOK_SECRET_KEY; when absent, main.ts reads (or creates) `secretKeyFile`. */
  secretKey: Buffer | undefined;
  secretKeyFile: string;
  /** ROWHOOK_SECRET_KEY_PREVIOUS: secrets still sealed under it are re-sealed at start-up. */
  previousSecretKey: Buffer | undefined;
  /** ROWHOOK_RETENTION: published events and finished deliveries older than this are purged. */
  retentionMs: number;
  /** ROWHOOK_PURGE_INTERVAL: time between two purge passes. */
  purgeIntervalMs: number;
  /** ROWHOOK_DELIVERY_CA_FILE: PEM CA certificates trusted for HTTPS deliveries besides Node's roots. */
  deliveryCaFile: string | undefined;
}

const MAX_EVENT_BYTES_LIMIT = 1024 * 1024;
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'ROWHOOK_ADMIN_TOKEN',
  'ROWHOOK_OPERATOR_WEBHOOK_SECRET',
  'ROWHOOK_SECRET_KEY',
  'ROWHOOK_SECRET_KEY_PREVIOUS',
]);

/**
 * Reads ROWHOOK_* and DATABASE_URL. Any value it cannot use stops start-up with a message naming
 * the variable, what it holds and what would be accepted.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): RuntimeConfig {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const fail = (name: string, problem: string): never => {
    // Credentials are never echoed back: the message goes to logs.
    const shown = SECRET_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(env[name]);
    throw new InvalidConfigError(`${name}=${shown} ${problem}`);
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(value) || value < min || value > max)
      fail(name, `must be a whole number from ${min} to ${max}`);
    return value;
  };
  const duration = (name: string, fallback: string, minMs: number, maxMs: number) => {
    const raw = read(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === undefined) return fail(name, 'must be a duration like 500ms, 15s, 5m or 24h');
    if (ms < minMs || ms > maxMs) fail(name, `must be between ${minMs} ms and ${maxMs} ms`);
    return ms;
  };

  const mode = read('ROWHOOK_MODE') ?? 'development';
  if (mode !== 'development' && mode !== 'production')
    fail('ROWHOOK_MODE', 'must be "development" or "production"');

  let retrySchedule: RetrySchedule;
  try {
    const scheduleText = read('ROWHOOK_RETRY_SCHEDULE');
    retrySchedule = scheduleText === undefined ? defaultRetrySchedule : parseRetrySchedule(scheduleText);
  } catch (error) {
    throw new InvalidConfigError(`ROWHOOK_RETRY_SCHEDULE: ${(error as Error).message}`, { cause: error });
  }

  let allowedNetworks: string[];
  try {
    allowedNetworks = parseNetworkList(read('ROWHOOK_ALLOWED_NETWORKS') ?? '');
  } catch (error) {
    throw new InvalidConfigError(`ROWHOOK_ALLOWED_NETWORKS: ${(error as Error).message}`, { cause: error });
  }

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    fail('DATABASE_URL', 'must be a postgres:// or postgresql:// connection URL');
  }
  const adminToken = read('ROWHOOK_ADMIN_TOKEN');
  if (adminToken !== undefined && (adminToken.length < 16 || /\s/.test(adminToken))) {
    fail('ROWHOOK_ADMIN_TOKEN', 'must be at least 16 characters without spaces');
  }
  const encryptionKey = (name: string) => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    try {
      return parseEncryptionKey(raw, name);
    } catch (error) {
      return fail(name, (error as Error).message.replace(`${name} `, ''));
    }
  };
  const dataDir = path.resolve(cwd, read('ROWHOOK_DATA_DIR') ?? '.rowhook');
  const deliveryTimeoutMs = duration('ROWHOOK_DELIVERY_TIMEOUT', '15s', 100, 120_000);
  const operatorUrl = read('ROWHOOK_OPERATOR_WEBHOOK_URL');
  const operatorSecret = read('ROWHOOK_OPERATOR_WEBHOOK_SECRET');
  if (operatorUrl !== undefined) {
    let scheme = '';
    try {
      scheme = new URL(operatorUrl).protocol;
    } catch {}
    if (scheme !== 'http:' && scheme !== 'https:')
      fail(
        'ROWHOOK_OPERATOR_WEBHOOK_URL',
        'must be an http:// or https:// URL to send operational events to',
      );
    if (operatorSecret === undefined)
      fail(
        'ROWHOOK_OPERATOR_WEBHOOK_URL',
        'needs ROWHOOK_OPERATOR_WEBHOOK_SECRET too: the whsec_... secret the operator receiver verifies with',
      );
  }
  if (operatorSecret !== undefined) {
    if (operatorUrl === undefined)
      fail(
        'ROWHOOK_OPERATOR_WEBHOOK_SECRET',
        'is set without ROWHOOK_OPERATOR_WEBHOOK_URL; set both or neither',
      );
    try {
      decodeSecret(operatorSecret);
    } catch (error) {
      fail(
        'ROWHOOK_OPERATOR_WEBHOOK_SECRET',
        `is not a signing secret (${(error as Error).message}); use whsec_ + base64 of 24 to 64 random bytes`,
      );
    }
  }
  const metricsPublic = read('ROWHOOK_METRICS_PUBLIC') ?? 'false';
  if (metricsPublic !== 'true' && metricsPublic !== 'false')
    fail('ROWHOOK_METRICS_PUBLIC', 'must be "true" (no token needed for /metrics) or "false"');

  return {
    port: integer('ROWHOOK_PORT', 8080, 0, 65535),
    host: read('ROWHOOK_HOST') ?? '127.0.0.1',
    databaseUrl,
    dataDir,
    adminToken,
    retrySchedule,
    allowedNetworks,
    production: mode === 'production',
    secretOverlapMs: duration('ROWHOOK_SECRET_OVERLAP', '24h', 0, 30 * 86_400_000),
    connectTimeoutMs: Math.min(duration('ROWHOOK_CONNECT_TIMEOUT', '15s', 100, 120_000), deliveryTimeoutMs),
    deliveryTimeoutMs,
    concurrency: integer('ROWHOOK_CONCURRENCY', 200, 1, 10_000),
    endpointConcurrency: integer('ROWHOOK_ENDPOINT_CONCURRENCY', 10, 1, 100),
    maxEventBytes: integer('ROWHOOK_MAX_EVENT_BYTES', 256 * 1024, 1024, MAX_EVENT_BYTES_LIMIT),
    sweepIntervalMs: duration('ROWHOOK_SWEEP_INTERVAL', '5s', 50, 300_000),
    pollIntervalMs: duration('ROWHOOK_POLL_INTERVAL', '1s', 10, 60_000),
    nudgeIntervalMs: duration('ROWHOOK_NUDGE_INTERVAL', '25ms', 0, 60_000),
    relayBatchSize: integer('ROWHOOK_RELAY_BATCH', 500, 1, 10_000),
    recoveryBatchSize: integer(
      'ROWHOOK_RECOVERY_BATCH',
      RECOVERY_LIMITS.defaultBatchSize,
      1,
      RECOVERY_LIMITS.maxBatchSize,
    ),
    logPostgres: read('ROWHOOK_LOG_POSTGRES') === '1',
    disableAfterMs: duration(
      'ROWHOOK_DISABLE_AFTER',
      ENDPOINT_HEALTH.defaultDisableAfterText,
      ENDPOINT_HEALTH.minDisableAfterMs,
      ENDPOINT_HEALTH.maxDisableAfterMs,
    ),
    operatorWebhook:
      operatorUrl !== undefined && operatorSecret !== undefined
        ? { url: operatorUrl, secret: operatorSecret }
        : null,
    metricsPublic: metricsPublic === 'true',
    secretKey: encryptionKey('ROWHOOK_SECRET_KEY'),
    secretKeyFile: path.resolve(cwd, read('ROWHOOK_SECRET_KEY_FILE') ?? path.join(dataDir, 'secret-key')),
    previousSecretKey: encryptionKey('ROWHOOK_SECRET_KEY_PREVIOUS'),
    retentionMs: duration('ROWHOOK_RETENTION', '30d', 1_000, 3650 * 86_400_000),
    purgeIntervalMs: duration('ROWHOOK_PURGE_INTERVAL', '5m', 10, 86_400_000),
    deliveryCaFile:
      read('ROWHOOK_DELIVERY_CA_FILE') && path.resolve(cwd, read('ROWHOOK_DELIVERY_CA_FILE') ?? ''),
  };
}
