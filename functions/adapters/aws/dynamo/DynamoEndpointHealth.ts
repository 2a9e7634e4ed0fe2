import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EndpointHealthState, HEALTHY } from '../../../core/health/EndpointHealthState.ts';
import type { EndpointHealth, EndpointRef, StoredEndpointHealth } from '../../../ports/EndpointHealth.ts';
import { type BatchRetryOptions, DEFAULT_BATCH_RETRY } from './BatchRetryOptions.ts';
import { batchGetAll } from './batchGetAll.ts';
import { isConditionalCheckFailed, toDynamoStoreError } from './errors.ts';
import { ItemCalls } from './ItemCalls.ts';
import { endpointHealthKey, endpointKey } from './keys.ts';
import { ITEM_TYPES, KEY_PREFIXES, TYPE_ATTRIBUTE } from './tableDesign.ts';

export interface DynamoEndpointHealthOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  batchRetry?: Partial<BatchRetryOptions>;
  now?: () => Date;
}

/**
 * Endpoint health as a HEALTH#<endpointId> item beside the endpoint, present only while it is
 * failing. A separate item, not attributes of the endpoint: the endpoint stream feeds the sync
 * Lambda, and a failed attempt is no reason to wake it. DynamoSubscriptionStore deletes the item when
 * the endpoint is re-enabled or deleted.
 */
export class DynamoEndpointHealth implements EndpointHealth {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly items: ItemCalls;
  private readonly retry: BatchRetryOptions;
  private readonly now: () => Date;

  constructor(options: DynamoEndpointHealthOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.items = new ItemCalls(options.client, options.tableName);
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.batchRetry };
    this.now = options.now ?? (() => new Date());
  }

  async read(endpoints: readonly EndpointRef[]) {
    const result = new Map<string, StoredEndpointHealth>();
    if (endpoints.length === 0) return result;
    const keys = endpoints.flatMap((e) => [
      endpointKey(e.tenantId, e.endpointId),
      endpointHealthKey(e.tenantId, e.endpointId),
    ]);
    const found = await batchGetAll(this.client, this.table, keys, this.retry, 'reading endpoint health');
    const byKey = new Map(found.map((item) => [`${item.PK}\n${item.SK}`, item]));
    const get = (key: { PK: string; SK: string }) => byKey.get(`${key.PK}\n${key.SK}`);
    for (const e of endpoints) {
      const endpoint = get(endpointKey(e.tenantId, e.endpointId));
      if (!endpoint) continue;
      const health = get(endpointHealthKey(e.tenantId, e.endpointId));
      result.set(e.endpointId, {
        enabled: endpoint.enabled === true,
        state: health
          ? {
              failingSince: new Date(String(health.failingSince)),
              consecutiveFailures: Number(health.consecutiveFailures),
            }
          : HEALTHY,
      });
    }
    return result;
  }

  async replace(endpoint: EndpointRef, expected: EndpointHealthState, next: EndpointHealthState) {
    const { tenantId, endpointId } = endpoint;
    if (!(await this.items.get(endpointKey(tenantId, endpointId), 'checking an endpoint'))) return false;
    const condition =
      expected.failingSince === null
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : {
            ConditionExpression: 'failingSince = :expectedSince AND consecutiveFailures = :expectedCount',
            ExpressionAttributeValues: {
              ':expectedSince': expected.failingSince.toISOString(),
              ':expectedCount': expected.consecutiveFailures,
            },
          };
    const key = endpointHealthKey(tenantId, endpointId);
    try {
      if (next.failingSince === null) {
        if (expected.failingSince === null) return true;
        await this.client.send(new DeleteCommand({ TableName: this.table, Key: key, ...condition }));
      } else {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...key,
              [TYPE_ATTRIBUTE]: ITEM_TYPES.endpointHealth,
              tenantId,
              endpointId,
              failingSince: next.failingSince.toISOString(),
              consecutiveFailures: next.consecutiveFailures,
            },
            ...condition,
          }),
        );
      }
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, 'recording endpoint health');
    }
  }

  async disable(endpoint: EndpointRef, reason: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(endpoint.tenantId, endpoint.endpointId),
          UpdateExpression: 'SET #enabled = :false, #reason = :reason, #updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND #enabled = :true',
          ExpressionAttributeNames: {
            '#enabled': 'enabled',
            '#reason': 'disabledReason',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':false': false,
            ':true': true,
            ':reason': reason,
            ':now': this.now().toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, 'disabling an endpoint');
    }
  }
}

/** Whether a sort key names a health item (for code that scans a tenant's partition). */
export const isHealthSortKey = (sortKey: string) => sortKey.startsWith(KEY_PREFIXES.endpointHealth);
