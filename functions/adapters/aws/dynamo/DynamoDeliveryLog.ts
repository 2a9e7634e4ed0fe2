import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttemptRecord, AttemptTail, AttemptView, DeliveryLog } from '../../../ports/DeliveryLog.ts';
import type { Page } from '../../../ports/SubscriptionStore.ts';
import { attemptItem, toAttemptView } from './attemptItems.ts';
import { listRecentAttempts } from './attemptTail.ts';
import { type BatchRetryOptions, DEFAULT_BATCH_RETRY } from './BatchRetryOptions.ts';
import { batchPutAll } from './batchWriteAll.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { EventTypeLookup } from './EventTypeLookup.ts';
import { endpointHealthOf } from './endpointHealthItems.ts';
import { ATTEMPT_ID_PATTERN, deliveryPartition, endpointAttemptsPartition } from './keys.ts';
import { queryItems } from './queryItems.ts';
import { GSI1, KEY_PREFIXES } from './tableDesign.ts';

export interface DynamoDeliveryLogOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long attempts are kept: each item gets `expiresAt` = recording time + this (TTL). */
  retentionMs: number;
  /** Resolves event types for records that do not carry one; without it they show ''. */
  eventTypes?: EventTypeLookup;
  batchRetry?: Partial<BatchRetryOptions>;
  now?: () => number;
}

/**
 * DeliveryLog on the single table: one item per attempt in its delivery's partition (so one
 * delivery's history is a strongly consistent Query), indexed in GSI1 per (tenant, endpoint)
 * newest first. The endpoint listing is eventually consistent, which a log view can afford.
 *
 * Known limit: every attempt of one endpoint writes the same GSI1 partition, and with time-ordered
 * sort keys DynamoDB cannot split it for heat, so one endpoint tops out around 1,000 attempts/s.
 */
export class DynamoDeliveryLog implements DeliveryLog {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retentionMs: number;
  private readonly lookup: EventTypeLookup | undefined;
  private readonly retry: BatchRetryOptions;
  private readonly now: () => number;

  constructor(options: DynamoDeliveryLogOptions) {
    if (!(options.retentionMs > 0)) throw new RangeError('retentionMs must be a positive number');
    this.client = options.client;
    this.table = options.tableName;
    this.retentionMs = options.retentionMs;
    this.lookup = options.eventTypes;
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.batchRetry };
    this.now = options.now ?? Date.now;
  }

  async record(attempts: readonly AttemptRecord[]) {
    if (attempts.length === 0) return;
    const types = await this.eventTypesOf(attempts);
    const expiresAt = Math.ceil((this.now() + this.retentionMs) / 1000);
    // Item keys derive from the attempt, so a record given twice is one item (a batch may not
    // hold the same key twice, and a retried batch must not add duplicates).
    const items = new Map(
      attempts.map((record) => {
        const item = attemptItem(record, types.get(record.eventId) ?? '', expiresAt);
        return [`${item.PK} ${item.SK}`, item];
      }),
    );
    await batchPutAll(
      this.client,
      this.table,
      [...items.values()],
      this.retry,
      'recording delivery attempts',
    );
  }

  async listForEndpoint(
    tenantId: string,
    endpointId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<AttemptView>> {
    const before = page.cursor === null ? null : decodeCursor(page.cursor, ATTEMPT_ID_PATTERN);
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: before === null ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: {
          '#pk': GSI1.partitionKey,
          ...(before === null ? {} : { '#sk': GSI1.sortKey }),
        },
        ExpressionAttributeValues: {
          ':pk': endpointAttemptsPartition(tenantId, endpointId),
          ...(before === null ? {} : { ':before': before }),
        },
        ScanIndexForward: false,
      },
      'listing delivery attempts',
      page.limit + 1,
    );
    const shown = items.slice(0, page.limit).map(toAttemptView);
    const last = shown.at(-1);
    return { items: shown, nextCursor: items.length > page.limit && last ? encodeCursor(last.id) : null };
  }

  async listForDelivery(deliveryId: string) {
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        ConsistentRead: true,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :attempts)',
        ExpressionAttributeValues: {
          ':pk': deliveryPartition(deliveryId),
          ':attempts': KEY_PREFIXES.attempt,
        },
      },
      'listing the attempts of a delivery',
    );
    return items.map(toAttemptView);
  }

  /** See attemptTail.ts for how (and how far) this works on DynamoDB. */
  listRecent(
    scope: { tenantId?: string; endpointId?: string },
    page: { after: string | null; limit: number },
  ): Promise<AttemptTail> {
    return listRecentAttempts(this.client, this.table, scope, page);
  }

  endpointHealth(tenantId: string, endpointIds: readonly string[], since: Date) {
    return endpointHealthOf(this.client, this.table, tenantId, endpointIds, since);
  }

  /**
   * Records that carry an `eventType` (the deliverer knows it from the claimed delivery) need no
   * lookup; older producers may omit it.
   */
  private async eventTypesOf(attempts: readonly AttemptRecord[]): Promise<Map<string, string>> {
    const types = new Map<string, string>();
    const missing = new Set<string>();
    for (const record of attempts) {
      const carried = record.eventType;
      if (typeof carried === 'string') types.set(record.eventId, carried);
      else missing.add(record.eventId);
    }
    if (missing.size > 0 && this.lookup) {
      for (const [eventId, type] of await this.lookup.eventTypes([...missing])) types.set(eventId, type);
    }
    return types;
  }
}
