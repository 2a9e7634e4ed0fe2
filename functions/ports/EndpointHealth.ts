import type { EndpointHealthState } from '../core/health/EndpointHealthState.ts';

export interface EndpointRef {
  tenantId: string;
  endpointId: string;
}

export interface StoredEndpointHealth {
  state: EndpointHealthState;
  enabled: boolean;
}

/**
 * Each endpoint's run of failed attempts, kept between attempts so the auto-disable rule
 * (core/health/decideEndpointHealth) can judge it. Re-enabling an endpoint through the
 * SubscriptionStore (enabled: true) clears its state. Every call is scoped by tenant.
 */
export interface EndpointHealth {
  /** Keyed by endpoint id; unknown (or another tenant's) endpoints are absent. A never-failing one is HEALTHY. */
  read(endpoints: readonly EndpointRef[]): Promise<Map<string, StoredEndpointHealth>>;
  /**
   * Stores `next` only if the stored state still equals `expected` (compare-and-set, so concurrent
   * deliverers cannot lose each other's failures). False when it changed meanwhile or the endpoint is gone.
   */
  replace(endpoint: EndpointRef, expected: EndpointHealthState, next: EndpointHealthState): Promise<boolean>;
  /**
   * Disables the endpoint with this reason if it is enabled. True only for the call that disabled it,
   * so exactly one caller raises `endpoint.disabled`.
   */
  disable(endpoint: EndpointRef, reason: string): Promise<boolean>;
}
