import { describe, expect, it } from 'vitest';
import { isRetryableAwsError, toAwsError } from '../../../functions/adapters/aws/errors.ts';
import { defaultRetrySchedule } from '../../../functions/core/retry/defaultRetrySchedule.ts';
import {
  arn,
  ENV,
  InvalidHandlerConfigError,
  integer,
  loadEnv,
  retrySchedule,
  url,
} from '../../../functions/handlers/config.ts';

describe('loadEnv', () => {
  it('names every missing or bad variable', () => {
    const attempt = () =>
      loadEnv(
        { [ENV.dbClusterArn]: arn, [ENV.deliveryQueueUrl]: url, [ENV.relayBatch]: integer(100, 1, 1000) },
        { [ENV.deliveryQueueUrl]: 'nope', [ENV.relayBatch]: '5000' },
      );
    expect(attempt).toThrow(InvalidHandlerConfigError);
    expect(attempt).toThrow(/ROWHOOK_DB_CLUSTER_ARN is required/);
    expect(attempt).toThrow(/ROWHOOK_DELIVERY_QUEUE_URL must be a URL/);
    expect(attempt).toThrow(/ROWHOOK_RELAY_BATCH must be at most 1000/);
  });

  it('applies defaults and parses values', () => {
    const env = loadEnv({ [ENV.relayBatch]: integer(100, 1, 1000), [ENV.retrySchedule]: retrySchedule }, {});
    expect(env[ENV.relayBatch]).toBe(100);
    // The one default schedule of functions/core/retry, not a copy of it.
    expect(env[ENV.retrySchedule]).toBe(defaultRetrySchedule);
    expect(env[ENV.retrySchedule].maxAttempts).toBe(8);
    expect(() => loadEnv({ [ENV.retrySchedule]: retrySchedule }, { [ENV.retrySchedule]: '5x' })).toThrow(
      /ROWHOOK_RETRY_SCHEDULE/,
    );
  });
});

describe('ENV', () => {
  it('names the attempt retention variable the stack sets', async () => {
    expect(ENV.attemptRetentionDays).toBe('ROWHOOK_ATTEMPT_RETENTION_DAYS');
    const infra = await import('../../../infra/lib/environment.ts');
    expect(infra.ENV.attemptRetentionDays).toBe(ENV.attemptRetentionDays);
  });
});

describe('toAwsError', () => {
  it('classifies vendor errors', () => {
    expect(isRetryableAwsError({ name: 'ThrottlingException' })).toBe(true);
    expect(isRetryableAwsError({ name: 'X', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isRetryableAwsError({ name: 'X', $retryable: {} })).toBe(true);
    expect(isRetryableAwsError(Object.assign(new Error('socket'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableAwsError({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
    expect(isRetryableAwsError({ name: 'LimitExceededException', $metadata: { httpStatusCode: 400 } })).toBe(
      false,
    );
    const cause = { name: 'AccessDeniedException', message: 'no', $metadata: { httpStatusCode: 403 } };
    const wrapped = toAwsError(cause, 'doing a thing');
    expect(wrapped.message).toBe('AWS call failed while doing a thing: AccessDeniedException: no');
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.retryable).toBe(false);
    expect(toAwsError(wrapped, 'again')).toBe(wrapped);
  });
});
