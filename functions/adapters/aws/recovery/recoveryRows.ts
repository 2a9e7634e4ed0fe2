import type { OutboxEvent } from '../../../core/events/OutboxEvent.ts';
import type { RecoveryStatus } from '../../../core/recovery/constants.ts';
import type { RecoveryJob } from '../../../core/recovery/RecoveryJob.ts';
import type { Endpoint } from '../../../core/subscriptions/Endpoint.ts';
import { type DeliveryMessage, TRANSPORTS } from '../DeliveryMessage.ts';
import { AwsAdapterError } from '../errors.ts';

/** The rows RdsDataRecoveries reads and what it makes of them. */

export interface JobRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  since: string;
  until: string;
  truncated_at: string | null;
  status: RecoveryStatus;
  total: number;
  sent: number;
  position: string | null;
  last_key: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface EventRow {
  id: string;
  tenant_id: string;
  event_type: string;
  body: string;
  target_endpoint_id: string | null;
  occurred_at: string;
  published_at: string | null;
  publish_error: string | null;
  sequence: number | string | null;
}

export interface PageRow {
  id: string;
  event_type: string;
  target_endpoint_id: string | null;
  occurred_at: string;
  body_bytes: number;
  sequence: number | string | null;
}

/** The SQL side of the relay's matching (tenant, window, creation, event types); the filter is code's. */
export function candidateParams(endpoint: Endpoint, window: { since: Date; until: Date }) {
  const types = endpoint.eventTypes;
  return {
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    createdAt: endpoint.createdAt.toISOString(),
    allTypes: types === null,
    exact: JSON.stringify((types ?? []).filter((t) => !t.endsWith('.*'))),
    prefixes: JSON.stringify((types ?? []).filter((t) => t.endsWith('.*')).map((t) => t.slice(0, -1))),
  };
}

/**
 * What the relay published for this (event, endpoint), as a redrive sends it: attempt 1, pooled,
 * with the webhook-sequence the relay gave it (none for events relayed before numbering existed).
 */
export function messageOf(
  event: OutboxEvent,
  endpoint: Endpoint,
  sequence: number | string | null = null,
): DeliveryMessage {
  return {
    eventId: event.id,
    endpointId: endpoint.id,
    tenantId: event.tenantId,
    eventType: event.type,
    body: event.body,
    transport: TRANSPORTS.pooled,
    attempt: 1,
    ...(sequence === null ? {} : { sequence: Number(sequence) }),
  };
}

export function toEvent(
  row: Pick<EventRow, 'id' | 'tenant_id' | 'event_type' | 'target_endpoint_id' | 'occurred_at'>,
  body: string | undefined,
): OutboxEvent {
  if (body === undefined) throw new AwsAdapterError(`outbox row ${row.id} disappeared while reading bodies`);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.event_type,
    body,
    occurredAt: new Date(row.occurred_at),
    targetEndpointId: row.target_endpoint_id,
  };
}

export function toJob(row: JobRow): RecoveryJob {
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    since: new Date(row.since),
    until: new Date(row.until),
    truncatedAt: date(row.truncated_at),
    status: row.status,
    total: row.total,
    sent: row.sent,
    error: row.error,
    createdAt: new Date(row.created_at),
    finishedAt: date(row.finished_at),
  };
}
