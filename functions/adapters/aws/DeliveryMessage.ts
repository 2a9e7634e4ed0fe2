import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ClaimedDelivery } from '../../ports/DeliveryQueue.ts';
import { MalformedDeliveryMessageError } from './errors.ts';

export const TRANSPORTS = { pooled: 'pooled', apiDestination: 'api-destination' } as const;
export type Transport = (typeof TRANSPORTS)[keyof typeof TRANSPORTS];

export const DELIVERY_EVENT = { source: 'rowhook', detailType: 'rowhook.delivery' } as const;

/**
 * One delivery as it travels on AWS: the `detail` of the bus entry the relay publishes, and the body
 * of every SQS message after that (retries, re-delays, dead letters). The publisher, the settler and
 * the deliver handler all go through this one schema, so what one writes the others can read.
 */
export interface DeliveryMessage {
  eventId: string;
  endpointId: string;
  tenantId: string;
  eventType: string;
  /**
   * Exact event JSON text, carried as a string so no hop re-serialises it. On an api-destination
   * bus entry it is absent from the wire: `payload` carries it instead (see apiDestinationPayload),
   * and reading the entry back gives `JSON.stringify(payload)`, the bytes that entry was signed over.
   */
  body: string;
  /** Only on api-destination bus entries: the body as a JSON value, which the target sends. */
  payload?: unknown;
  transport: Transport;
  /** The attempt this message is for, 1-based; absent on fresh bus entries (attempt 1). */
  attempt?: number;
  /** Epoch ms before which the attempt must not run (chained SQS delays); absent: now. */
  dueAt?: number;
  /** For api-destination entries: headers EventBridge sends, computed by the relay. */
  headers?: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
  /** The endpoint's sequence number of this delivery (`webhook-sequence`), committed before publishing. */
  sequence?: number;
  /** Set on dead letters: why the delivery gave up. */
  failure?: { error: string; status: number | null; failedAt: string };
}

const messageSchema = z.object({
  eventId: z.string().min(1),
  endpointId: z.string().min(1),
  tenantId: z.string().min(1),
  eventType: z.string().min(1),
  body: z.string().optional(),
  payload: z.unknown().optional(),
  transport: z.enum([TRANSPORTS.pooled, TRANSPORTS.apiDestination]).default(TRANSPORTS.pooled),
  attempt: z.number().int().min(1).optional(),
  dueAt: z.number().int().nonnegative().optional(),
  sequence: z.number().int().min(1).optional(),
  headers: z
    .object({
      'webhook-id': z.string(),
      'webhook-timestamp': z.string(),
      'webhook-signature': z.string(),
    })
    .optional(),
  failure: z
    .object({ error: z.string(), status: z.number().int().nullable(), failedAt: z.string() })
    .optional(),
});

export function serializeDeliveryMessage(message: DeliveryMessage): string {
  if (message.payload === undefined) return JSON.stringify(message);
  // The body travels once, as the JSON value the API destination sends (entries are size-limited).
  const { body: _sentAsPayload, ...rest } = message;
  return JSON.stringify(rest);
}

/**
 * Reads an SQS body. Accepts our own messages and whole EventBridge events (a rule target without an
 * input path, or an API destination's dead letter, whose body is the original event): both carry
 * the same fields, the latter under `detail`.
 */
export function parseDeliveryMessage(text: string): DeliveryMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new MalformedDeliveryMessageError(`body is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (isBusEvent(raw)) {
    if (raw['detail-type'] !== DELIVERY_EVENT.detailType) {
      throw new MalformedDeliveryMessageError(
        `EventBridge event of type ${JSON.stringify(raw['detail-type'])}, expected "${DELIVERY_EVENT.detailType}"`,
      );
    }
    raw = raw.detail;
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new MalformedDeliveryMessageError(problems);
  }
  const { payload, body, ...rest } = parsed.data;
  if (body !== undefined) return { ...rest, body } as DeliveryMessage;
  if (payload === undefined) throw new MalformedDeliveryMessageError('body: neither body nor payload');
  // An api-destination entry (or its dead letter): the signed bytes are the minified payload.
  return { ...rest, body: JSON.stringify(payload) } as DeliveryMessage;
}

function isBusEvent(value: unknown): value is { 'detail-type': unknown; detail: unknown } {
  return typeof value === 'object' && value !== null && 'detail-type' in value && 'detail' in value;
}

/**
 * Deliveries have no row on AWS, so their id is derived from what identifies them: the same
 * (event, endpoint) always gets the same UUID-shaped id, across retries and redrives, which is what
 * the delivery log groups attempts by.
 */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  const hex = createHash('sha256').update(`${eventId}\n${endpointId}`).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant, so it parses wherever a UUID is expected.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The claimed delivery the core works on, for a message received with this SQS receipt. */
export function toClaimedDelivery(message: DeliveryMessage, receipt: string): ClaimedDelivery {
  return {
    id: deliveryIdFor(message.eventId, message.endpointId),
    eventId: message.eventId,
    endpointId: message.endpointId,
    tenantId: message.tenantId,
    eventType: message.eventType,
    body: message.body,
    // An api-destination entry only reaches a deliverer as a dead letter of its API destination,
    // which has made the first attempt (with EventBridge's own retries): we continue with the second.
    attempt: message.attempt ?? (message.transport === TRANSPORTS.apiDestination ? 2 : 1),
    receipt,
    ...(message.sequence === undefined ? {} : { sequence: message.sequence }),
  };
}

/** The message for a later attempt of a claimed delivery; always pooled, since we send it ourselves. */
export function nextAttemptMessage(delivery: ClaimedDelivery, dueAt: number): DeliveryMessage {
  return {
    eventId: delivery.eventId,
    endpointId: delivery.endpointId,
    tenantId: delivery.tenantId,
    eventType: delivery.eventType,
    body: delivery.body,
    transport: TRANSPORTS.pooled,
    attempt: delivery.attempt + 1,
    dueAt,
    ...(delivery.sequence === undefined ? {} : { sequence: delivery.sequence }),
  };
}
