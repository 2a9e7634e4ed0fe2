import type { AttemptRecord, AttemptView } from '../../../ports/DeliveryLog.ts';
import { attemptId, attemptKey, endpointAttemptsPartition, type ItemKey } from './keys.ts';
import { GSI1, ITEM_TYPES, TTL_ATTRIBUTE, TYPE_ATTRIBUTE } from './tableDesign.ts';

/** One delivery attempt as stored; `startedAt` is ISO-8601, `expiresAt` epoch seconds (TTL). */
export interface AttemptItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.attempt;
  [GSI1.partitionKey]: string;
  [GSI1.sortKey]: string;
  id: string;
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  startedAt: string;
  webhookTimestamp: number;
  status: number | null;
  latencyMs: number;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
  /** Absent for attempts of deliveries published before numbering on AWS (migration 0021). */
  sequence?: number;
  [TTL_ATTRIBUTE]: number;
}

export function attemptItem(record: AttemptRecord, eventType: string, expiresAt: number): AttemptItem {
  const id = attemptId(record.startedAt, record.attempt, record.deliveryId);
  return {
    ...attemptKey(record.deliveryId, id),
    [TYPE_ATTRIBUTE]: ITEM_TYPES.attempt,
    [GSI1.partitionKey]: endpointAttemptsPartition(record.tenantId, record.endpointId),
    [GSI1.sortKey]: id,
    id,
    deliveryId: record.deliveryId,
    tenantId: record.tenantId,
    endpointId: record.endpointId,
    eventId: record.eventId,
    eventType,
    attempt: record.attempt,
    startedAt: record.startedAt.toISOString(),
    webhookTimestamp: record.webhookTimestamp,
    status: record.status,
    latencyMs: Math.round(record.latencyMs),
    errorClass: record.errorClass,
    errorMessage: record.errorMessage,
    responseSnippet: record.responseSnippet,
    ...(record.sequence == null ? {} : { sequence: record.sequence }),
    [TTL_ATTRIBUTE]: expiresAt,
  };
}

export function toAttemptView(item: Record<string, unknown>): AttemptView {
  const row = item as unknown as AttemptItem;
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    tenantId: row.tenantId,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    startedAt: new Date(row.startedAt),
    webhookTimestamp: row.webhookTimestamp,
    status: row.status ?? null,
    latencyMs: row.latencyMs,
    errorClass: row.errorClass ?? null,
    errorMessage: row.errorMessage ?? null,
    responseSnippet: row.responseSnippet ?? null,
    ...(row.sequence === undefined ? {} : { sequence: Number(row.sequence) }),
  };
}
