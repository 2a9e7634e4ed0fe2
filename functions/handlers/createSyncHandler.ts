import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ApiDestinationManager } from '../adapters/aws/ApiDestinationManager.ts';
import { DedicatedQuotaError } from '../adapters/aws/ApiDestinationManager.ts';
import {
  type ConnectionAuth,
  type ConnectionHeader,
  connectionAuthOf,
  dedicatedEndpointOf,
  receiverConnectionOf,
} from '../adapters/aws/DedicatedEndpoint.ts';
import { endpointChangeOf } from '../adapters/aws/dynamo/endpointChangeOf.ts';
import {
  DEDICATED_STATUSES,
  ENDPOINT_TIERS,
  type Endpoint,
  transportOf,
  wantsApiDestination,
} from '../core/subscriptions/Endpoint.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface SyncDependencies {
  destinations: Pick<ApiDestinationManager, 'upsert' | 'remove'>;
  /** getTenant for `auto` endpoints; setDedicatedStatus records each outcome on the endpoint. */
  subscriptions: Pick<SubscriptionStore, 'getTenant' | 'setDedicatedStatus'>;
  /** The write-only secret half of the endpoint's auth (Secrets Manager), never in the table. */
  secrets: Pick<SecretStore, 'authSecret' | 'receiverSecrets'>;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** rowhook:dedicatedDelivery: off, endpoints asking for an API destination get none (opt-in). */
  dedicatedDelivery: boolean;
}

/** The status reason an endpoint shows while dedicated delivery is off in the deployment. */
export const DEDICATED_DELIVERY_OFF_REASON =
  'dedicated delivery is off in this deployment (CDK context rowhook:dedicatedDelivery); delivered pooled';

/**
 * DynamoDB stream of the subscriptions table → each dedicated endpoint's Connection, API destination
 * and Rule. Records are handled in order; the first failure is reported (and everything after it
 * retried by the stream), so changes to one endpoint are never applied out of order.
 *
 * Images go through the table's own item mapper (endpointChangeOf), so the handler reads the same
 * typed Endpoint the stores return. It acts on an endpoint item when its status is `pending` (the API
 * asks for a pass after every change that shapes the resources), when it has none although it
 * wants one, or when the resource fields changed; its own status writes (active, fallback-pooled)
 * come back through the stream and are skipped.
 */
export function createSyncHandler(deps: SyncDependencies) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    try {
      for (const record of event.Records) {
        try {
          await syncRecord(deps, record);
        } catch (error) {
          deps.metrics.addMetric('SyncErrors', MetricUnit.Count, 1);
          deps.logger.error('endpoint sync failed', { eventID: record.eventID, ...describeError(error) });
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
        }
      }
      return { batchItemFailures: [] };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}

async function syncRecord(deps: SyncDependencies, record: DynamoDBRecord): Promise<void> {
  const { before, after } = endpointChangeOf(record);
  const endpoint = after ?? before;
  if (!endpoint) return;
  const { id: endpointId, tenantId } = endpoint;

  if (!after) {
    // Deleted: remove whatever may exist (idempotent; absent resources are fine).
    await deps.destinations.remove(endpointId);
    deps.logger.info('dedicated delivery removed', { endpointId });
    return;
  }

  const tier = (await deps.subscriptions.getTenant(tenantId))?.tier ?? ENDPOINT_TIERS.pooled;
  if (!wantsApiDestination(after, tier)) {
    const had = (before && wantsApiDestination(before, tier)) || after.dedicated != null;
    if (!had) return;
    await deps.destinations.remove(endpointId);
    if (after.dedicated != null) await deps.subscriptions.setDedicatedStatus(tenantId, endpointId, null);
    deps.logger.info('dedicated delivery removed', { endpointId });
    return;
  }
  if (!deps.dedicatedDelivery) {
    await keepPooledWhileOff(deps, after);
    return;
  }
  const settled =
    after.dedicated?.status === DEDICATED_STATUSES.active ||
    (after.dedicated?.status === DEDICATED_STATUSES.fallbackPooled &&
      after.dedicated.reason !== DEDICATED_DELIVERY_OFF_REASON);
  if (settled && before && sameResources(before, after)) return;

  const connection = await connectionOf(deps, after);
  if (typeof connection === 'string') {
    await deps.subscriptions.setDedicatedStatus(tenantId, endpointId, {
      apiDestinationArn: null,
      status: DEDICATED_STATUSES.fallbackPooled,
      reason: connection,
    });
    deps.logger.error('dedicated delivery not possible; staying pooled', { endpointId, reason: connection });
    return;
  }
  try {
    const arn = await deps.destinations.upsert(
      dedicatedEndpointOf(after, connection.auth, connection.headers),
    );
    await deps.subscriptions.setDedicatedStatus(tenantId, endpointId, {
      apiDestinationArn: arn,
      status: DEDICATED_STATUSES.active,
      reason: null,
    });
    deps.metrics.addMetric('DedicatedEndpointsSynced', MetricUnit.Count, 1);
    deps.logger.info('dedicated delivery ready', { endpointId, arn });
  } catch (error) {
    if (!(error instanceof DedicatedQuotaError)) throw error;
    // Not retried: the quota will not change by itself. The endpoint keeps pooled delivery.
    deps.metrics.addMetric('DedicatedQuotaReached', MetricUnit.Count, 1);
    deps.logger.error('dedicated delivery not possible; staying pooled', {
      endpointId,
      error: error.message,
    });
    await deps.subscriptions.setDedicatedStatus(tenantId, endpointId, {
      apiDestinationArn: null,
      status: DEDICATED_STATUSES.fallbackPooled,
      reason: error.message,
    });
  }
}

/**
 * Dedicated delivery off: no resources (those left from when it was on are removed) and a status
 * that says why the endpoint is delivered pooled. Our own status write comes back through the
 * stream and stops here, already said.
 */
async function keepPooledWhileOff(deps: SyncDependencies, endpoint: Endpoint): Promise<void> {
  const { id: endpointId, tenantId, dedicated } = endpoint;
  if (dedicated?.apiDestinationArn) await deps.destinations.remove(endpointId);
  if (
    dedicated?.status === DEDICATED_STATUSES.fallbackPooled &&
    dedicated.reason === DEDICATED_DELIVERY_OFF_REASON
  ) {
    return;
  }
  await deps.subscriptions.setDedicatedStatus(tenantId, endpointId, {
    apiDestinationArn: null,
    status: DEDICATED_STATUSES.fallbackPooled,
    reason: DEDICATED_DELIVERY_OFF_REASON,
  });
  deps.logger.info('dedicated delivery is off; endpoint stays pooled', { endpointId });
}

/** Only the fields the AWS resources are built from; other edits (description...) need no calls. */
function sameResources(a: Endpoint, b: Endpoint): boolean {
  const shape = (e: Endpoint) =>
    JSON.stringify([e.url, transportOf(e), e.rateLimitPerSecond ?? null, e.auth ?? null, e.receiver ?? null]);
  return shape(a) === shape(b);
}

/**
 * The Connection's auth and headers, or why there can be none (a string): the receiver options
 * when the endpoint has any (they apply on every path), else the API-destination-only `auth`.
 */
async function connectionOf(
  deps: SyncDependencies,
  endpoint: Endpoint,
): Promise<{ auth: ConnectionAuth | null; headers: ConnectionHeader[] } | string> {
  const fromReceiver = endpoint.receiver
    ? receiverConnectionOf(endpoint.receiver, await deps.secrets.receiverSecrets(endpoint.id))
    : { auth: null, headers: [] };
  if (typeof fromReceiver === 'string' || fromReceiver.auth) return fromReceiver;
  // No receiver auth: the API-destination `auth` (the API refuses both at once), with the headers.
  const auth = await connectionAuth(deps, endpoint);
  return typeof auth === 'string' ? auth : { auth, headers: fromReceiver.headers };
}

/** The Connection's auth, or why there can be none (a string). */
async function connectionAuth(
  deps: SyncDependencies,
  endpoint: Endpoint,
): Promise<ConnectionAuth | null | string> {
  const auth = endpoint.auth ?? null;
  if (auth === null) return null;
  const secret = await deps.secrets.authSecret(endpoint.id);
  if (secret === undefined) {
    return `no auth secret stored for ${auth.type} auth; send authSecret again (PATCH) to retry`;
  }
  return connectionAuthOf(auth, secret);
}
