import type { ReceiverOptions } from '../receivers/ReceiverOptions.ts';
import type { SignatureScheme } from '../signing/constants.ts';
import type { EndpointOrdering } from './EndpointOrdering.ts';

export const ENDPOINT_TIERS = { pooled: 'pooled', dedicated: 'dedicated' } as const;

export interface Tenant {
  id: string;
  name: string;
  tier: (typeof ENDPOINT_TIERS)[keyof typeof ENDPOINT_TIERS];
  createdAt: Date;
}

/**
 * How an endpoint wants its deliveries sent. `auto` follows the tenant's tier (`dedicated` →
 * api-destination); `pooled` is the shared delivery queue; `api-destination` asks for an EventBridge
 * API destination of its own (on AWS; the local runtime always delivers pooled).
 */
export const ENDPOINT_TRANSPORTS = {
  auto: 'auto',
  pooled: 'pooled',
  apiDestination: 'api-destination',
} as const;
export type EndpointTransport = (typeof ENDPOINT_TRANSPORTS)[keyof typeof ENDPOINT_TRANSPORTS];

/** EventBridge's InvocationRateLimitPerSecond bounds. */
export const RATE_LIMIT_PER_SECOND = { min: 1, max: 300 } as const;

/**
 * The non-secret half of the auth an API destination's Connection sends. The secret half (API key
 * value, password, OAuth client secret) is write-only and lives in the SecretStore, never here.
 */
export type EndpointAuth =
  | { type: 'API_KEY'; headerName: string }
  | { type: 'BASIC'; username: string }
  | { type: 'OAUTH_CLIENT_CREDENTIALS'; tokenUrl: string; clientId: string; scope?: string };
export type EndpointAuthType = EndpointAuth['type'];

export const DEDICATED_STATUSES = {
  /** Wanted, not (yet, or not again after a change) synced: delivered pooled meanwhile. */
  pending: 'pending',
  /** The API destination and its rule exist: the relay routes to it. */
  active: 'active',
  /** Wanted but not possible (a quota, or the local runtime): delivered pooled; `reason` says why. */
  fallbackPooled: 'fallback-pooled',
} as const;
export type DedicatedStatusName = (typeof DEDICATED_STATUSES)[keyof typeof DEDICATED_STATUSES];

/** Read-only outcome of the dedicated-delivery sync; written by the sync Lambda (or the store). */
export interface DedicatedStatus {
  apiDestinationArn: string | null;
  status: DedicatedStatusName;
  reason: string | null;
}

export interface Endpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  /** null: every event type. Entries are exact types or `prefix.*`. */
  eventTypes: string[] | null;
  /** EventBridge-style pattern matched against the event body; null: no filter. */
  filter: Record<string, unknown> | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  // Dedicated delivery. Optional so code that builds endpoints by hand needs not spell them out;
  // the stores always fill them in. Absent means: auto, no rate limit, no auth, no status.
  transport?: EndpointTransport;
  /**
   * Requests per second (1-300): the API destination's invocation rate on AWS; locally the pooled
   * queue's token bucket for this endpoint. null: the default there, no limit locally.
   */
  rateLimitPerSecond?: number | null;
  /** Attempts in flight at once in the local pooled queue (1-100); null: ROWHOOK_ENDPOINT_CONCURRENCY. */
  maxConcurrency?: number | null;
  auth?: EndpointAuth | null;
  /** v1 (HMAC, whsec_) or v1a (ed25519, whsk_/whpk_); absent: v1. Stores always fill it in. */
  signatureScheme?: SignatureScheme;
  /** null: dedicated delivery was never asked for (or no longer is). */
  dedicated?: DedicatedStatus | null;
  /**
   * Custom headers, receiver auth, mutual TLS, retry schedule and timeout (the non-secret half);
   * absent or null: a plain signed POST on the runtime's schedule.
   */
  receiver?: ReceiverOptions | null;
  /** Delivery order (see EndpointOrdering); absent: none. Stores always fill it in. */
  ordering?: EndpointOrdering;
}

/** The endpoint's transport choice, with the default filled in. */
export const transportOf = (endpoint: Pick<Endpoint, 'transport'>): EndpointTransport =>
  endpoint.transport ?? ENDPOINT_TRANSPORTS.auto;

/** Whether this endpoint should get an API destination, given its tenant's tier. */
export function wantsApiDestination(endpoint: Pick<Endpoint, 'transport'>, tier: Tenant['tier']): boolean {
  const transport = transportOf(endpoint);
  if (transport === ENDPOINT_TRANSPORTS.apiDestination) return true;
  if (transport === ENDPOINT_TRANSPORTS.pooled) return false;
  return tier === ENDPOINT_TIERS.dedicated;
}

/** The relay may send to the API destination only once it exists and is the current one. */
export const isDedicatedActive = (endpoint: Pick<Endpoint, 'dedicated'>): boolean =>
  endpoint.dedicated?.status === DEDICATED_STATUSES.active && Boolean(endpoint.dedicated.apiDestinationArn);
