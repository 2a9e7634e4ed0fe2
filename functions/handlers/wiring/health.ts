import { DynamoEndpointHealth } from '../../adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { ENV, integer, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';
import { documentClient } from './subscriptions.ts';

/**
 * Operational events in the table: written by the deliver Lambda, listed by the API Lambda; kept
 * as long as attempts (DynamoDB TTL).
 */
export const operationalEvents = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required, [ENV.attemptRetentionDays]: integer(30, 1, 3650) });
  return new DynamoOperationalEvents({
    client: documentClient(),
    tableName: env[ENV.tableName],
    retentionMs: env[ENV.attemptRetentionDays] * 86_400_000,
  });
});

/** Each endpoint's run of failures, for the deliver Lambda's auto-disable rule. */
export const endpointHealth = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required });
  return new DynamoEndpointHealth({ client: documentClient(), tableName: env[ENV.tableName] });
});
