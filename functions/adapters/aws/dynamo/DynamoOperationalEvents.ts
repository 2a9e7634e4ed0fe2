import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OperationalEventType } from '../../../core/health/constants.ts';
import type { OperationalEvent } from '../../../core/health/OperationalEvent.ts';
import type { OperationalEventFilter, OperationalEvents } from '../../../ports/OperationalEvents.ts';
import { type BatchRetryOptions, DEFAULT_BATCH_RETRY } from './BatchRetryOptions.ts';
import { batchPutAll } from './batchWriteAll.ts';
import { operationalEventKey } from './keys.ts';
import { queryItems } from './queryItems.ts';
import { FIXED_KEYS, GSI1, ITEM_TYPES, TTL_ATTRIBUTE, TYPE_ATTRIBUTE } from './tableDesign.ts';

export interface DynamoOperationalEventsOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  batchRetry?: Partial<BatchRetryOptions>;
  /**
   * How long an event is kept: its item gets `expiresAt` (DynamoDB TTL) that long after it occurred,
   * as attempt items do (rowhook:attemptRetentionDays). Absent: kept until deleted.
   */
  retentionMs?: number;
}

/**
 * Operational events in the single table, listed through GSI1 (eventually consistent: an event may
 * show up a moment after it was recorded). Recording only: PublishingOperationalEvents wraps it to
 * also send each event to the operator webhook.
 */
export class DynamoOperationalEvents implements OperationalEvents {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retry: BatchRetryOptions;
  private readonly retentionMs: number | undefined;

  constructor(options: DynamoOperationalEventsOptions) {
    if (options.retentionMs !== undefined && !(options.retentionMs > 0))
      throw new RangeError('retentionMs must be a positive number');
    this.retentionMs = options.retentionMs;
    this.client = options.client;
    this.table = options.tableName;
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.batchRetry };
  }

  /** Items are keyed by event id, so recording one twice overwrites it with itself. */
  async record(events: readonly OperationalEvent[]) {
    if (events.length === 0) return;
    const items = events.map((e) => ({
      ...operationalEventKey(e.id),
      [TYPE_ATTRIBUTE]: ITEM_TYPES.operationalEvent,
      [GSI1.partitionKey]: FIXED_KEYS.operationalEventList,
      [GSI1.sortKey]: e.id,
      id: e.id,
      eventType: e.type,
      tenantId: e.tenantId,
      endpointId: e.endpointId,
      occurredAt: e.occurredAt.toISOString(),
      // As JSON text: the data's shape varies by type and is only ever read back whole.
      data: JSON.stringify(e.data),
      ...(this.retentionMs === undefined
        ? {}
        : { [TTL_ATTRIBUTE]: Math.ceil((e.occurredAt.getTime() + this.retentionMs) / 1000) }),
    }));
    await batchPutAll(this.client, this.table, items, this.retry, 'recording operational events');
  }

  async list(filter: OperationalEventFilter, page: { limit: number; after: string | null }) {
    const names: Record<string, string> = { '#pk': GSI1.partitionKey };
    const values: Record<string, unknown> = { ':pk': FIXED_KEYS.operationalEventList };
    const filters: string[] = [];
    if (filter.type !== undefined) {
      names['#eventType'] = 'eventType';
      values[':type'] = filter.type;
      filters.push('#eventType = :type');
    }
    if (filter.tenantId !== undefined) {
      names['#tenantId'] = 'tenantId';
      values[':tenant'] = filter.tenantId;
      filters.push('#tenantId = :tenant');
    }
    if (page.after !== null) {
      names['#sk'] = GSI1.sortKey;
      values[':after'] = page.after;
    }
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: page.after === null ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
        // Without a cursor: the latest events, read newest first and shown oldest first.
        ScanIndexForward: page.after !== null,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      'listing operational events',
      page.limit,
    );
    const events = items.map(
      (item): OperationalEvent => ({
        id: String(item.id),
        type: item.eventType as OperationalEventType,
        occurredAt: new Date(String(item.occurredAt)),
        tenantId: String(item.tenantId),
        endpointId: String(item.endpointId),
        data: JSON.parse(String(item.data)) as Record<string, unknown>,
      }),
    );
    return page.after === null ? events.reverse() : events;
  }
}
