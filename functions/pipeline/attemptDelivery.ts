import { ID_PREFIXES } from '../core/ids/constants.ts';
import { toPublicId } from '../core/ids/prefixedId.ts';
import { decideAfterAttempt } from '../core/retry/decideAfterAttempt.ts';
import type { RandomSource } from '../core/retry/RandomSource.ts';
import type { RetrySchedule } from '../core/retry/RetrySchedule.ts';
import { createSigner } from '../core/signing/createSigner.ts';
import { webhookHeaders } from '../core/signing/webhookHeaders.ts';
import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import type { AttemptRecord } from '../ports/DeliveryLog.ts';
import type { ClaimedDelivery, Settlement } from '../ports/DeliveryQueue.ts';
import type { WebhookSender } from '../ports/WebhookSender.ts';

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
  const signature = createSigner(secrets)({ id, timestamp, body: delivery.body });
  const result = await context.sender.send({
    url: endpoint.url,
    headers: { ...webhookHeaders({ id, timestamp, signature }) },
    body: delivery.body,
  });

  const attempt: AttemptRecord = {
    deliveryId: delivery.id,
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
          error: `${lastError} (${decision.reason})`,
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
