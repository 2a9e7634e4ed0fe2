import { DURATION_UNIT_MS } from '../retry/constants.ts';

/** The operational events Rowhook raises about its own delivery, named like Svix's operational webhooks. */
export const OPERATIONAL_EVENT_TYPES = {
  endpointDisabled: 'endpoint.disabled',
  attemptExhausted: 'message.attempt.exhausted',
  endpointRecovered: 'endpoint.recovered',
} as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[keyof typeof OPERATIONAL_EVENT_TYPES];

/** Why an endpoint was disabled, as `data.trigger` of `endpoint.disabled`. */
export const DISABLE_TRIGGERS = {
  /** The receiver answered 410 Gone. */
  gone: 'gone',
  /** It kept failing for longer than the auto-disable period. */
  automatic: 'automatic',
} as const;
export type DisableTrigger = (typeof DISABLE_TRIGGERS)[keyof typeof DISABLE_TRIGGERS];

export const ENDPOINT_HEALTH = {
  /** ROWHOOK_DISABLE_AFTER's default: long enough to ride out a long weekend's outage. */
  defaultDisableAfterText: '5d',
  minDisableAfterMs: DURATION_UNIT_MS.s,
  maxDisableAfterMs: 90 * DURATION_UNIT_MS.d,
  /**
   * A run of failures this long (or longer) before a success raises `endpoint.recovered`. One stray
   * 500 followed by a success is not an outage worth waking an operator for.
   */
  recoveredAfterFailures: 3,
} as const;

/**
 * The internal tenant and endpoint that operational events are delivered through, so they are signed,
 * retried and dead-lettered by the same pipeline as every other webhook. The tenant id starts with
 * `_`, which the API refuses for tenants, so no customer can ever own it.
 */
export const OPERATOR_ENDPOINT = {
  tenantId: '_rowhook-operator',
  tenantName: 'Rowhook operator events (reserved)',
  endpointId: 'ep_000000000000000000000001',
  description: 'Operational events (ROWHOOK_OPERATOR_WEBHOOK_URL); managed by Rowhook at start-up',
} as const;

/** Public operational event ids: `oev_` + 12 hex digits of epoch ms + 20 random hex digits. */
export const OPERATIONAL_EVENT_ID = { prefix: 'oev_', pattern: /^oev_[0-9a-f]{32}$/ } as const;
