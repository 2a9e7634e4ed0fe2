import { ID_PREFIXES } from '../core/ids/constants.ts';
import { toPublicId } from '../core/ids/prefixedId.ts';
import { retryScheduleOf } from '../core/receivers/retryScheduleOf.ts';
import { decideAfterAttempt } from '../core/retry/decideAfterAttempt.ts';
import type { RandomSource } from '../core/retry/RandomSource.ts';
import type { RetrySchedule } from '../core/retry/RetrySchedule.ts';
import { signPayload } from '../core/signing/signPayload.ts';
import { webhookHeaders } from '../core/signing/webhookHeaders.ts';
import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import type { AttemptRecord } from '../ports/DeliveryLog.ts';
import type { ClaimedDelivery, Settlement } from '../ports/DeliveryQueue.ts';
import type { SendResult, WebhookSender } from '../ports/WebhookSender.ts';

export interface AttemptContext {
  sender: WebhookSender;
  schedule: RetrySchedule;
  now: () => Date;
  random: RandomSource;
}

export interface AttemptResult {
  settlement: Settlement;
  attempt: AttemptRecord | null;
  /** Set when the receiver answered 410 Gone: the caller disables the endpoint. */
  disableEndpoint: { tenantId: string; endpointId: string; reason: string } | null;
}

/**
 * One attempt at one delivery: sign afresh (new webhook-timestamp, same webhook-id), POST, and
 * decide what happens next by the retry rules.
 */
export async function attemptDelivery(
  context: AttemptContext,
  delivery: ClaimedDelivery,
  endpoint: Endpoint | undefined,
  secrets: readonly string[],
): Promise<AttemptResult> {
  if (!endpoint) {
    return {
      settlement: { delivery, kind: 'discarded', error: 'endpoint was deleted' },
      attempt: null,
      disableEndpoint: null,
    };
  }
  if (!endpoint.enabled) {
    const error = `endpoint is disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}; re-enable it and redrive`;
    return {
      settlement: { delivery, kind: 'dead', status: null, error },
      attempt: null,
      disableEndpoint: null,
    };
  }
  if (secrets.length === 0) {
    return {
      settlement: {
        delivery,
        kind: 'dead',
        status: null,
        error: 'endpoint has no signing secret; rotate its secret and redrive',
      },
      attempt: null,
      disableEndpoint: null,
    };
  }

  const startedAt = context.now();
  const id = toPublicId(ID_PREFIXES.event, delivery.eventId);
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  const signature = signPayload({ id, timestamp, body: delivery.body, secrets });
  const result = await context.sender.send({
    url: endpoint.url,
    headers: { ...webhookHeaders({ id, timestamp, signature, sequence: delivery.sequence }) },
    body: delivery.body,
    // The endpoint's custom headers, receiver auth, client certificate and timeout, if any.
    ...(endpoint.receiver
      ? {
          receiver: {
            endpointId: endpoint.id,
            revision: endpoint.updatedAt.toISOString(),
            options: endpoint.receiver,
          },
        }
      : {}),
  });

  // A receiver can answer with a status outside HTTP's range (e.g. 999): that is a failed attempt,
  // not a response the retry rules know how to read.
  const validStatus = result.ok && result.status >= 100 && result.status <= 599;
  const outcome: SendResult = validStatus
    ? result
    : result.ok
      ? {
          ok: false,
          errorClass: 'other',
          message: `invalid HTTP status ${result.status}`,
          latencyMs: result.latencyMs,
        }
      : result;
  const schedule = retryScheduleOf(endpoint.receiver, context.schedule);
  return settleAttempt({ ...context, schedule }, delivery, startedAt, timestamp, outcome);
}

function settleAttempt(
  context: AttemptContext,
  delivery: ClaimedDelivery,
  startedAt: Date,
  timestamp: number,
  result: SendResult,
): AttemptResult {
  const attempt: AttemptRecord = {
    deliveryId: delivery.id,
    eventType: delivery.eventType,
    tenantId: delivery.tenantId,
    endpointId: delivery.endpointId,
    eventId: delivery.eventId,
    attempt: delivery.attempt,
    startedAt,
    webhookTimestamp: timestamp,
    status: result.ok ? result.status : null,
    latencyMs: result.latencyMs,
    errorClass: result.ok ? (result.status >= 200 && result.status < 300 ? null : 'http') : result.errorClass,
    errorMessage: result.ok ? null : result.message,
    responseSnippet: result.ok ? result.snippet : null,
  };
  const decision = decideAfterAttempt({
    attemptsMade: delivery.attempt,
    outcome: result.ok
      ? { kind: 'response', status: result.status, headers: result.headers }
      : { kind: 'error', errorClass: result.errorClass as never, detail: result.message },
    schedule: context.schedule,
    now: context.now(),
    random: context.random,
  });
  const status = result.ok ? result.status : null;
  const lastError = result.ok ? `HTTP ${result.status}` : `${result.errorClass}: ${result.message}`;

  switch (decision.kind) {
    case 'delivered':
      return {
        settlement: { delivery, kind: 'delivered', status: status ?? 0 },
        attempt,
        disableEndpoint: null,
      };
    case 'retry':
      return {
        settlement: {
          delivery,
          kind: 'retry',
          delayMs: decision.delayMs,
          status,
          error: decision.reason,
        },
        attempt,
        disableEndpoint: null,
      };
    case 'dead':
      return {
        settlement: { delivery, kind: 'dead', status, error: decision.reason },
        attempt,
        disableEndpoint: decision.disableEndpoint
          ? {
              tenantId: delivery.tenantId,
              endpointId: delivery.endpointId,
              reason: `receiver answered ${lastError}`,
            }
          : null,
      };
  }
}

/**
 * Settlement for an attempt that failed inside Rowhook (a bug, not the receiver): treated like a
 * transport error, so the delivery is retried on the schedule and dead-lettered when spent,
 * instead of reappearing forever each time its lease runs out.
 */
export function settleAfterInternalError(
  context: AttemptContext,
  delivery: ClaimedDelivery,
  error: unknown,
): AttemptResult {
  const now = context.now();
  const message = `internal error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500);
  return settleAttempt(context, delivery, now, Math.floor(now.getTime() / 1000), {
    ok: false,
    errorClass: 'other',
    message,
    latencyMs: 0,
  });
}
