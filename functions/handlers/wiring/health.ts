import { DynamoEndpointHealth } from '../../adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';
import { documentClient } from './subscriptions.ts';

/** Operational events in the table: written by the deliver Lambda, listed by the API Lambda. */
export const operationalEvents = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required });
  return new DynamoOperationalEvents({ client: documentClient(), tableName: env[ENV.tableName] });
});

/** Each endpoint's run of failures, for the deliver Lambda's auto-disable rule. */
export const endpointHealth = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required });
  return new DynamoEndpointHealth({ client: documentClient(), tableName: env[ENV.tableName] });
});
