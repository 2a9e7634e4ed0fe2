import { ID_PREFIXES } from '../core/ids/constants.ts';
import { toPublicId } from '../core/ids/prefixedId.ts';
import { SIGNATURE_SCHEMES } from '../core/signing/constants.ts';
import { type Endpoint, type Tenant, transportOf } from '../core/subscriptions/Endpoint.ts';
import { orderingOf } from '../core/subscriptions/EndpointOrdering.ts';
import type { DeadLetter } from '../ports/DeadLetters.ts';
import type { AttemptView, EndpointHealth } from '../ports/DeliveryLog.ts';
import type { FailedEvent } from '../ports/FailedEvents.ts';
import { presentReceiverOptions } from './presentReceiverOptions.ts';

export const presentTenant = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  tier: t.tier,
  createdAt: t.createdAt.toISOString(),
});

export const presentEndpoint = (e: Endpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  filter: e.filter,
  enabled: e.enabled,
  disabledReason: e.disabledReason,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  transport: transportOf(e),
  rateLimitPerSecond: e.rateLimitPerSecond ?? null,
  maxConcurrency: e.maxConcurrency ?? null,
  ordering: orderingOf(e),
  signatureScheme: e.signatureScheme ?? SIGNATURE_SCHEMES.v1,
  // Non-secret part only: the auth secret is write-only and never leaves the SecretStore.
  auth: e.auth ?? null,
  dedicated: e.dedicated
    ? {
        apiDestinationArn: e.dedicated.apiDestinationArn,
        status: e.dedicated.status,
        reason: e.dedicated.reason,
      }
    : null,
  ...presentReceiverOptions(e.receiver),
});

// An attempt's time is `attemptedAt` and its failure text `errorMessage` on every route. Routes that
// used `startedAt` or `error` before still send them, equal, for one release (deprecated in OpenAPI).

export const presentAttempt = (a: AttemptView) => ({
  id: a.id,
  deliveryId: toPublicId(ID_PREFIXES.delivery, a.deliveryId),
  eventId: toPublicId(ID_PREFIXES.event, a.eventId),
  eventType: a.eventType,
  endpointId: a.endpointId,
  attempt: a.attempt,
  attemptedAt: a.startedAt.toISOString(),
  webhookTimestamp: a.webhookTimestamp,
  status: a.status,
  latencyMs: a.latencyMs,
  errorClass: a.errorClass,
  errorMessage: a.errorMessage,
  responseSnippet: a.responseSnippet,
  /** Deprecated: errorMessage's old name on this route, sent for one more release. */
  error: a.errorMessage,
  sequence: a.sequence ?? null,
});

export const presentDeadLetter = (d: DeadLetter) => ({
  id: toPublicId(ID_PREFIXES.delivery, d.id),
  tenantId: d.tenantId,
  endpointId: d.endpointId,
  eventId: toPublicId(ID_PREFIXES.event, d.eventId),
  eventType: d.eventType,
  failedAt: d.failedAt.toISOString(),
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  errorClass: d.errorClass,
});

/** One entry of a dead letter's timeline. */
export const presentAttemptLogEntry = (a: AttemptView) => ({
  attempt: a.attempt,
  attemptedAt: a.startedAt.toISOString(),
  status: a.status,
  latencyMs: a.latencyMs,
  errorClass: a.errorClass,
  errorMessage: a.errorMessage,
  responseSnippet: a.responseSnippet,
  webhookTimestamp: a.webhookTimestamp,
  /** Deprecated: attemptedAt's old name on this route, sent for one more release. */
  startedAt: a.startedAt.toISOString(),
});

/** One line of the attempt tail. */
export const presentTailAttempt = (a: AttemptView) => ({
  id: a.id,
  deliveryId: toPublicId(ID_PREFIXES.delivery, a.deliveryId),
  tenantId: a.tenantId,
  endpointId: a.endpointId,
  eventId: toPublicId(ID_PREFIXES.event, a.eventId),
  webhookId: toPublicId(ID_PREFIXES.event, a.eventId),
  eventType: a.eventType,
  attempt: a.attempt,
  attemptedAt: a.startedAt.toISOString(),
  status: a.status,
  latencyMs: a.latencyMs,
  errorClass: a.errorClass,
  errorMessage: a.errorMessage,
  /** Deprecated: attemptedAt's old name on this route, sent for one more release. */
  startedAt: a.startedAt.toISOString(),
  sequence: a.sequence ?? null,
});

export const presentHealth = (h: EndpointHealth | undefined) => ({
  attempts24h: h?.attempts ?? 0,
  successes24h: h?.successes ?? 0,
  successRate: h && h.attempts > 0 ? h.successes / h.attempts : null,
  lastSuccessAt: h?.lastSuccessAt?.toISOString() ?? null,
  lastFailureAt: h?.lastFailureAt?.toISOString() ?? null,
  lastFailureError: h?.lastFailureError ?? null,
});

export const presentFailedEvent = (e: FailedEvent) => ({
  id: toPublicId(ID_PREFIXES.event, e.id),
  tenantId: e.tenantId,
  eventType: e.eventType,
  createdAt: e.createdAt.toISOString(),
  sizeBytes: e.sizeBytes,
  reason: e.reason,
});
