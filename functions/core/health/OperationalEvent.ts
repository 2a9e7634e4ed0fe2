import { randomBytes } from 'node:crypto';
import { OPERATIONAL_EVENT_ID, type OperationalEventType } from './constants.ts';

/** Something operators should know about their deliveries, recorded and sent to the operator webhook. */
export interface OperationalEvent {
  /** `oev_...`, ordered by occurrence. */
  id: string;
  type: OperationalEventType;
  occurredAt: Date;
  tenantId: string;
  endpointId: string;
  /** Ids (public forms), reason and figures; also the `data` of the delivered webhook. */
  data: Record<string, unknown>;
}

/** A new id that sorts after every id made at an earlier millisecond. */
export function newOperationalEventId(at: Date): string {
  const ms = Math.max(0, at.getTime()).toString(16).padStart(12, '0').slice(-12);
  return `${OPERATIONAL_EVENT_ID.prefix}${ms}${randomBytes(10).toString('hex')}`;
}

/**
 * The body delivered to the operator endpoint, shaped like Svix's operational webhooks:
 * `{type, timestamp, data}`, with tenant and endpoint ids inside `data`.
 */
export function operationalWebhookBody(event: OperationalEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: { tenantId: event.tenantId, endpointId: event.endpointId, ...event.data },
  });
}
