import { gunzipSync, gzipSync } from 'node:zlib';
import { classifyFailure } from '../../../core/failures/classifyFailure.ts';
import type { DeadLetter, DeadLetterDetail } from '../../../ports/DeadLetters.ts';
import type { FailedDelivery } from '../FailedDeliveryRecorder.ts';
import { type ItemKey, keyPart } from './keys.ts';
import { FIXED_KEYS, GSI1, ITEM_TYPES, KEY_PREFIXES, TABLE_KEYS, TYPE_ATTRIBUTE } from './tableDesign.ts';

/**
 * `dead` is listed and can be redriven or discarded; `redriven` and `discarded` are kept (no TTL)
 * but out of the index. A redriven delivery that fails again overwrites its item back to `dead`.
 */
export const FAILED_STATES = { dead: 'dead', redriven: 'redriven', discarded: 'discarded' } as const;
export type FailedState = (typeof FAILED_STATES)[keyof typeof FAILED_STATES];

/** Bodies above this are stored gzipped (a DynamoDB item holds at most 400 KB, events up to 1 MB). */
export const GZIP_BODY_ABOVE_BYTES = 32 * 1024;
/** Room left in an item for everything but the body (ids, error text, keys...). */
export const MAX_STORED_BODY_BYTES = 350 * 1024;
/** lastError is cut to this many characters: the error text is for people, not a transcript. */
export const MAX_ERROR_CHARS = 2_000;

export interface FailedItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.failed;
  /** Present only while state is `dead` (sparse index). */
  [GSI1.partitionKey]?: string;
  [GSI1.sortKey]?: string;
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The event JSON text as received, when small enough to keep as a string. */
  body?: string;
  /** The event JSON text gzipped, when it was larger than GZIP_BODY_ABOVE_BYTES. */
  bodyGzip?: Uint8Array;
  /** True when even gzipped the body did not fit in an item: it is only in the DLQ message. */
  bodyMissing?: boolean;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  /** Items recorded before it existed lack it: read as classifyFailure(lastStatus, lastError). */
  errorClass?: string;
  failedAt: string;
  state: FailedState;
  redrivenAt?: string;
  discardedAt?: string;
  /** The delivery's `webhook-sequence`; absent for deliveries never numbered. */
  sequence?: number;
}

export const failedKey = (deliveryId: string): ItemKey => ({
  [TABLE_KEYS.partitionKey]: `${KEY_PREFIXES.failed}${keyPart(deliveryId)}`,
  [TABLE_KEYS.sortKey]: FIXED_KEYS.failedSortKey,
});

/** GSI1 sort key: failure time, ties broken by delivery id; fixed-width ISO strings sort as instants. */
export const failedSortKey = (failedAt: Date, deliveryId: string) =>
  `${failedAt.toISOString()}#${keyPart(deliveryId)}`;

export const FAILED_SORT_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#.+$/;

export function failedItem(failure: FailedDelivery): FailedItem {
  return {
    ...failedKey(failure.deliveryId),
    [TYPE_ATTRIBUTE]: ITEM_TYPES.failed,
    [GSI1.partitionKey]: FIXED_KEYS.failedList,
    [GSI1.sortKey]: failedSortKey(failure.failedAt, failure.deliveryId),
    deliveryId: failure.deliveryId,
    tenantId: failure.tenantId,
    endpointId: failure.endpointId,
    eventId: failure.eventId,
    eventType: failure.eventType,
    ...storedBody(failure.body),
    attempts: failure.attempts,
    lastStatus: failure.lastStatus,
    lastError: failure.lastError.slice(0, MAX_ERROR_CHARS),
    errorClass: classifyFailure(failure.lastStatus, failure.lastError),
    failedAt: failure.failedAt.toISOString(),
    state: FAILED_STATES.dead,
    ...(failure.sequence === undefined ? {} : { sequence: failure.sequence }),
  };
}

function storedBody(body: string): Pick<FailedItem, 'body' | 'bodyGzip' | 'bodyMissing'> {
  if (Buffer.byteLength(body, 'utf8') <= GZIP_BODY_ABOVE_BYTES) return { body };
  const gzipped = gzipSync(body);
  if (gzipped.byteLength <= MAX_STORED_BODY_BYTES) return { bodyGzip: new Uint8Array(gzipped) };
  return { bodyMissing: true };
}

/** The body of a stored item; undefined when it was too large to store (see `bodyMissing`). */
export function bodyOf(item: FailedItem): string | undefined {
  if (typeof item.body === 'string') return item.body;
  if (item.bodyGzip) return gunzipSync(item.bodyGzip).toString('utf8');
  return undefined;
}

export function toDeadLetter(item: FailedItem): DeadLetter {
  return {
    id: item.deliveryId,
    tenantId: item.tenantId,
    endpointId: item.endpointId,
    eventId: item.eventId,
    eventType: item.eventType,
    failedAt: new Date(item.failedAt),
    attempts: item.attempts,
    lastStatus: item.lastStatus ?? null,
    lastError: item.lastError ?? null,
    errorClass: item.errorClass ?? classifyFailure(item.lastStatus ?? null, item.lastError ?? null),
  };
}

export function toDeadLetterDetail(item: FailedItem): DeadLetterDetail {
  return { ...toDeadLetter(item), body: bodyOf(item) ?? '' };
}
