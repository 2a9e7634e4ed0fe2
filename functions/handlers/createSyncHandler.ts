import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ApiDestinationManager } from '../adapters/aws/ApiDestinationManager.ts';
import { DedicatedQuotaError } from '../adapters/aws/ApiDestinationManager.ts';
import {
  type ConnectionAuth,
  DEFAULT_RATE_LIMIT_PER_SECOND,
  type DedicatedEndpoint,
} from '../adapters/aws/DedicatedEndpoint.ts';
import { TRANSPORTS } from '../adapters/aws/DeliveryMessage.ts';
import { unmarshallImage } from '../adapters/aws/unmarshallImage.ts';
import { ENDPOINT_TIERS } from '../core/subscriptions/Endpoint.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface SyncDependencies {
  destinations: Pick<ApiDestinationManager, 'upsert' | 'remove'>;
  subscriptions: Pick<SubscriptionStore, 'getTenant'>;
  /** Connection credentials by Secrets Manager id (JSON object of strings); never in the table. */
  readCredentials: (secretId: string) => Promise<Record<string, string>>;
  /**
   * Tells the store whether the endpoint's API destination is ready (its ARN) or not (null, with a
   * reason), so the relay routes to it only once its rule exists.
   */
  markDedicated: (
    tenantId: string,
    endpointId: string,
    apiDestinationArn: string | null,
    reason: string | null,
  ) => Promise<void>;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
}

/** Optional per-endpoint settings read from the endpoint item (see the report: not in Endpoint yet). */
interface EndpointImage {
  type?: unknown;
  id?: unknown;
  tenantId?: unknown;
  url?: unknown;
  enabled?: unknown;
  transport?: unknown;
  rateLimitPerSecond?: unknown;
  /** { type, credentialsSecretId, ...non-secret settings such as headerName or authorizationEndpoint } */
  connectionAuth?: unknown;
}

/**
 * DynamoDB stream of the subscriptions table → each dedicated endpoint's Connection, API destination
 * and Rule. Records are handled in order; the first failure is reported (and everything after it
 * retried by the stream), so changes to one endpoint are never applied out of order.
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
  const before = unmarshallImage(record.dynamodb?.OldImage as never) as EndpointImage | undefined;
  const after = unmarshallImage(record.dynamodb?.NewImage as never) as EndpointImage | undefined;
  const item = after ?? before;
  if (item?.type !== 'endpoint' || typeof item.id !== 'string' || typeof item.tenantId !== 'string') return;
  const endpointId = item.id;
  const tenantId = item.tenantId;

  const wanted = after && record.eventName !== 'REMOVE' ? await isDedicated(deps, after, tenantId) : false;
  if (!wanted) {
    const was = before ? await isDedicated(deps, before, tenantId).catch(() => true) : false;
    if (!was && record.eventName !== 'REMOVE') return;
    await deps.destinations.remove(endpointId);
    if (record.eventName !== 'REMOVE') await deps.markDedicated(tenantId, endpointId, null, null);
    deps.logger.info('dedicated delivery removed', { endpointId });
    return;
  }
  // Only the fields that shape the AWS resources matter; other edits (description...) need no calls.
  if (before && record.eventName === 'MODIFY' && sameResources(before, after as EndpointImage)) return;

  const endpoint: DedicatedEndpoint = {
    endpointId,
    tenantId,
    url: String((after as EndpointImage).url),
    rateLimitPerSecond: rateLimit((after as EndpointImage).rateLimitPerSecond),
    auth: await connectionAuth(deps, (after as EndpointImage).connectionAuth),
  };
  try {
    const arn = await deps.destinations.upsert(endpoint);
    await deps.markDedicated(tenantId, endpointId, arn, null);
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
    await deps.markDedicated(tenantId, endpointId, null, error.message);
  }
}

async function isDedicated(deps: SyncDependencies, image: EndpointImage, tenantId: string): Promise<boolean> {
  if (image.transport === TRANSPORTS.apiDestination) return true;
  if (image.transport === TRANSPORTS.pooled) return false;
  const tenant = await deps.subscriptions.getTenant(tenantId);
  return tenant?.tier === ENDPOINT_TIERS.dedicated;
}

function sameResources(a: EndpointImage, b: EndpointImage): boolean {
  const shape = (i: EndpointImage) =>
    JSON.stringify([i.url, i.transport, i.rateLimitPerSecond, i.connectionAuth]);
  return shape(a) === shape(b);
}

function rateLimit(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? value
    : DEFAULT_RATE_LIMIT_PER_SECOND;
}

async function connectionAuth(deps: SyncDependencies, value: unknown): Promise<ConnectionAuth | null> {
  if (typeof value !== 'object' || value === null) return null;
  const config = value as Record<string, unknown>;
  const secretId = typeof config.credentialsSecretId === 'string' ? config.credentialsSecretId : undefined;
  const credentials = secretId ? await deps.readCredentials(secretId) : {};
  const text = (name: string, from: Record<string, unknown> = config) => {
    const v = from[name];
    if (typeof v !== 'string' || v === '')
      throw new Error(`connectionAuth.${name} is required for ${String(config.type)}`);
    return v;
  };
  switch (config.type) {
    case 'API_KEY':
      return {
        type: 'API_KEY',
        headerName: text('headerName'),
        headerValue: text('headerValue', credentials),
      };
    case 'BASIC':
      return {
        type: 'BASIC',
        username: text('username', credentials),
        password: text('password', credentials),
      };
    case 'OAUTH_CLIENT_CREDENTIALS':
      return {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        authorizationEndpoint: text('authorizationEndpoint'),
        httpMethod: config.httpMethod === 'GET' || config.httpMethod === 'PUT' ? config.httpMethod : 'POST',
        clientId: text('clientId', credentials),
        clientSecret: text('clientSecret', credentials),
        ...(typeof config.scope === 'string' ? { bodyParameters: { scope: config.scope } } : {}),
      };
    default:
      throw new Error(
        `connectionAuth.type ${JSON.stringify(config.type)} is not API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS`,
      );
  }
}
