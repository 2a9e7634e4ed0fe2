import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RowhookError } from '../../../core/errors/RowhookError.ts';
import type {
  DeadLetter,
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterGroup,
  DeadLetterSummary,
  DeadLetters,
} from '../../../ports/DeadLetters.ts';
import type { Page } from '../../../ports/SubscriptionStore.ts';
import { type DeliveryMessage, TRANSPORTS } from '../DeliveryMessage.ts';
import type { FailedDelivery, FailedDeliveryRecorder } from '../FailedDeliveryRecorder.ts';
import { type BatchRetryOptions, DEFAULT_BATCH_RETRY } from './BatchRetryOptions.ts';
import { batchPutAll } from './batchWriteAll.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isConditionalCheckFailed, toDynamoStoreError } from './errors.ts';
import {
  bodyOf,
  FAILED_SORT_KEY_PATTERN,
  FAILED_STATES,
  type FailedItem,
  failedItem,
  failedKey,
  toDeadLetter,
  toDeadLetterDetail,
} from './failedItems.ts';
import { ItemCalls } from './ItemCalls.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { queryItems } from './queryItems.ts';
import { FIXED_KEYS, GSI1, TTL_ATTRIBUTE } from './tableDesign.ts';

/**
 * Puts a delivery back on the delivery queue (an SQS SendMessage on AWS). Narrow on purpose: the
 * dead letters need nothing else from SQS, and tests capture what would have been sent.
 */
export interface DeliveryMessageSender {
  send(message: DeliveryMessage): Promise<void>;
}

/** A dead letter whose body was too large to store even gzipped: only the DLQ message holds it. */
export class DeadLetterBodyMissingError extends RowhookError {
  readonly code = 'dead_letter_body_missing';
  constructor(readonly deliveryId: string) {
    super(
      `dead letter ${deliveryId} was too large to store with its body; redrive it from the dead-letter queue's message instead`,
      { retryable: false },
    );
  }
}

export interface DynamoDeadLettersOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Where redriven deliveries go; only the API needs it (the recorder side never sends). */
  sender?: DeliveryMessageSender;
  /** Redrives in flight at once for redriveMatching. */
  redriveConcurrency?: number;
  batchRetry?: Partial<BatchRetryOptions>;
  now?: () => Date;
  /**
   * How long a resolved (redriven or discarded) dead letter is kept: its item gets `expiresAt`
   * (DynamoDB TTL) that far ahead. Absent: kept until deleted. An open one never expires.
   */
  resolvedRetentionMs?: number;
}

/** What a listing reads from GSI1: everything but the body, which can be hundreds of KB. */
const LIST_ATTRIBUTES = [
  'deliveryId',
  'tenantId',
  'endpointId',
  'eventId',
  'eventType',
  'attempts',
  'lastStatus',
  'lastError',
  'errorClass',
  'failedAt',
  'state',
] as const;

/**
 * Dead letters on the single table, both sides: the deliver Lambda's settler records exhausted
 * deliveries (FailedDeliveryRecorder) and operators list, inspect, redrive and discard them
 * (DeadLetters), as PgDeadLetters does locally.
 *
 * One item per delivery (`FAILED#<deliveryId>` / `FAILED`), so recording the same failure twice (a
 * retried batch) overwrites, and a redriven delivery that fails again becomes a dead letter again
 * counting only its new attempts. Open dead letters are in GSI1 under one partition, newest first;
 * redriving or discarding removes the index keys, so the index holds exactly the open ones. Filters
 * are FilterExpressions on that partition: fine for the hundreds to thousands of open dead letters
 * operators deal with, and the one partition caps recording at ~1,000 dead letters/s (a burst
 * beyond it is throttled, and the deliver Lambda's batch is retried). The listing is eventually
 * consistent (a GSI); `get`, redrive and discard read and write the item itself.
 */
export class DynamoDeadLetters implements DeadLetters, FailedDeliveryRecorder {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly items: ItemCalls;
  private readonly sender: DeliveryMessageSender | undefined;
  private readonly concurrency: number;
  private readonly retry: BatchRetryOptions;
  private readonly now: () => Date;
  private readonly resolvedRetentionMs: number | undefined;

  constructor(options: DynamoDeadLettersOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.items = new ItemCalls(options.client, options.tableName);
    this.sender = options.sender;
    this.concurrency = Math.max(1, options.redriveConcurrency ?? 8);
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.batchRetry };
    this.now = options.now ?? (() => new Date());
    this.resolvedRetentionMs = options.resolvedRetentionMs;
  }

  async recordFailed(failures: readonly FailedDelivery[]): Promise<void> {
    if (failures.length === 0) return;
    // One item per delivery; if a batch names one twice, the last word wins.
    const items = new Map(failures.map((failure) => [failure.deliveryId, failedItem(failure)]));
    await batchPutAll(
      this.client,
      this.table,
      [...items.values()],
      this.retry,
      'recording failed deliveries',
    );
  }

  async list(
    filter: DeadLetterFilter,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<DeadLetter>> {
    const before = page.cursor === null ? null : decodeCursor(page.cursor, FAILED_SORT_KEY_PATTERN);
    const items = await this.queryOpen(filter, before, page.limit + 1);
    const shown = items.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      items: shown.map((item) => toDeadLetter(item)),
      nextCursor: items.length > page.limit && last ? encodeCursor(last[GSI1.sortKey] as string) : null,
    };
  }

  async get(id: string): Promise<DeadLetterDetail | undefined> {
    const item = await this.openItem(id);
    return item && toDeadLetterDetail(item);
  }

  async redrive(id: string): Promise<boolean> {
    const item = await this.openItem(id);
    return item ? this.redriveItem(item) : false;
  }

  /** Reads every matching open dead letter: see the class comment for the sizes this is meant for. */
  async summarize(filter: DeadLetterFilter): Promise<DeadLetterSummary> {
    const groups = new Map<string, DeadLetterGroup>();
    const matching = await this.queryOpen(filter, null, Number.POSITIVE_INFINITY);
    for (const letter of matching.map((item) => toDeadLetter(item))) {
      const key = JSON.stringify([letter.tenantId, letter.endpointId, letter.errorClass]);
      const group = groups.get(key);
      if (!group) {
        groups.set(key, {
          tenantId: letter.tenantId,
          endpointId: letter.endpointId,
          errorClass: letter.errorClass,
          count: 1,
          firstFailedAt: letter.failedAt,
          lastFailedAt: letter.failedAt,
        });
        continue;
      }
      group.count++;
      if (letter.failedAt < group.firstFailedAt) group.firstFailedAt = letter.failedAt;
      if (letter.failedAt > group.lastFailedAt) group.lastFailedAt = letter.failedAt;
    }
    const sorted = [...groups.values()].sort(
      (a, b) =>
        b.count - a.count ||
        compare(a.tenantId, b.tenantId) ||
        compare(a.endpointId, b.endpointId) ||
        compare(a.errorClass, b.errorClass),
    );
    return { total: matching.length, groups: sorted };
  }

  async count(filter: DeadLetterFilter): Promise<number> {
    return (await this.queryOpen(filter, null, Number.POSITIVE_INFINITY)).length;
  }

  async redriveMatching(filter: DeadLetterFilter, limit?: number): Promise<number> {
    const matching = await this.queryOpen(filter, null, limit ?? Number.POSITIVE_INFINITY, true);
    // The index copy may lag the item: each redrive re-reads it, strongly consistent.
    const done = await mapConcurrent(matching, this.concurrency, (item) => this.redrive(item.deliveryId));
    return done.filter(Boolean).length;
  }

  async discard(id: string): Promise<boolean> {
    return this.close(id, FAILED_STATES.discarded, null);
  }

  /**
   * Sends first, then marks: if marking fails (or the Lambda stops in between) the dead letter is
   * still listed and a second redrive sends the delivery again, under the same webhook-id that
   * receivers deduplicate on; marking first could lose the delivery altogether.
   */
  private async redriveItem(item: FailedItem): Promise<boolean> {
    if (!this.sender) throw new Error('DynamoDeadLetters needs a sender to redrive');
    const body = bodyOf(item);
    if (body === undefined) throw new DeadLetterBodyMissingError(item.deliveryId);
    await this.sender.send({
      eventId: item.eventId,
      endpointId: item.endpointId,
      tenantId: item.tenantId,
      eventType: item.eventType,
      body,
      transport: TRANSPORTS.pooled,
      attempt: 1,
      ...(item.sequence === undefined ? {} : { sequence: Number(item.sequence) }),
    });
    // If another operator redrove or discarded it meanwhile, the delivery is queued all the same.
    await this.close(item.deliveryId, FAILED_STATES.redriven, item.failedAt);
    return true;
  }

  /**
   * Moves a dead letter out of the list; false unless it was dead (and, with `failedAt`, still the
   * same failure: one that died again since it was read is left for the operator to see).
   */
  private async close(
    id: string,
    state: typeof FAILED_STATES.redriven | typeof FAILED_STATES.discarded,
    failedAt: string | null,
  ): Promise<boolean> {
    const at = state === FAILED_STATES.redriven ? 'redrivenAt' : 'discardedAt';
    const now = this.now();
    // Resolved: DynamoDB's TTL may remove it after the retention (a new failure re-puts the item whole).
    const expires =
      this.resolvedRetentionMs === undefined
        ? undefined
        : Math.ceil((now.getTime() + this.resolvedRetentionMs) / 1000);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: failedKey(id),
          UpdateExpression: `SET #state = :state, #at = :now${expires === undefined ? '' : ', #ttl = :ttl'} REMOVE #gpk, #gsk`,
          ConditionExpression: `attribute_exists(PK) AND #state = :dead${failedAt === null ? '' : ' AND #failedAt = :failedAt'}`,
          ExpressionAttributeNames: {
            '#state': 'state',
            '#at': at,
            '#gpk': GSI1.partitionKey,
            '#gsk': GSI1.sortKey,
            ...(failedAt === null ? {} : { '#failedAt': 'failedAt' }),
            ...(expires === undefined ? {} : { '#ttl': TTL_ATTRIBUTE }),
          },
          ExpressionAttributeValues: {
            ':state': state,
            ':now': now.toISOString(),
            ...(expires === undefined ? {} : { ':ttl': expires }),
            ':dead': FAILED_STATES.dead,
            ...(failedAt === null ? {} : { ':failedAt': failedAt }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, `marking dead letter ${id} ${state}`);
    }
  }

  private async openItem(id: string): Promise<FailedItem | undefined> {
    const item = (await this.items.get(failedKey(id), 'reading a dead letter')) as FailedItem | undefined;
    return item?.state === FAILED_STATES.dead ? item : undefined;
  }

  /**
   * The time range bounds the index's sort key where it can (`to`, and the cursor: the sort key
   * starts with the ISO failure time, so `< "<to ISO>"` excludes failures at `to` itself); `from`
   * and the rest are FilterExpressions on the item's attributes.
   */
  private async queryOpen(
    filter: DeadLetterFilter,
    before: string | null,
    max: number,
    oldestFirst = false,
  ): Promise<FailedItem[]> {
    const names: Record<string, string> = { '#pk': GSI1.partitionKey, '#sk': GSI1.sortKey };
    const values: Record<string, unknown> = { ':pk': FIXED_KEYS.failedList };
    const to = filter.to?.toISOString();
    const upper = before !== null && to !== undefined ? (before < to ? before : to) : (before ?? to ?? null);
    if (upper !== null) values[':before'] = upper;
    const conditions: string[] = [];
    for (const field of ['tenantId', 'endpointId', 'eventType', 'errorClass'] as const) {
      const value = filter[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      conditions.push(`#${field} = :${field}`);
    }
    if (filter.from) {
      names['#failedAt'] = 'failedAt';
      values[':from'] = filter.from.toISOString();
      conditions.push('#failedAt >= :from');
    }
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      if (filter.ids.length > MAX_IDS) throw new RangeError(`at most ${MAX_IDS} ids per filter`);
      names['#deliveryId'] = 'deliveryId';
      const ids = filter.ids.map((id, i) => {
        values[`:id${i}`] = id;
        return `:id${i}`;
      });
      conditions.push(`#deliveryId IN (${ids.join(', ')})`);
    }
    const projection = [...LIST_ATTRIBUTES, 'sk'].map((name) => {
      const alias = name === 'sk' ? '#sk' : `#p_${name}`;
      if (name !== 'sk') names[alias] = name;
      return alias;
    });
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: upper === null ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
        ProjectionExpression: projection.join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: oldestFirst,
      },
      'listing dead letters',
      max,
    );
    return items as unknown as FailedItem[];
  }
}

/** DynamoDB allows 100 operands in an IN list; the API accepts no more. */
const MAX_IDS = 100;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
