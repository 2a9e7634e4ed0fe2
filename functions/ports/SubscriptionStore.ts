import type { DedicatedStatus, Endpoint, Tenant } from '../core/subscriptions/Endpoint.ts';

// maxConcurrency rides along: like the rate limit, an optional delivery setting with a null default.
type DedicatedSettings =
  | 'transport'
  | 'rateLimitPerSecond'
  | 'auth'
  | 'dedicated'
  | 'maxConcurrency'
  | 'receiver'
  | 'ordering';

export type NewEndpoint = Pick<
  Endpoint,
  'id' | 'tenantId' | 'url' | 'description' | 'eventTypes' | 'filter' | 'enabled'
> &
  Partial<Pick<Endpoint, DedicatedSettings | 'signatureScheme'>>;

/**
 * Absent keys are unchanged. For eventTypes, filter, rateLimitPerSecond, maxConcurrency, auth and
 * dedicated a key present with null clears the value.
 */
export type EndpointPatch = Partial<
  Pick<
    Endpoint,
    'url' | 'description' | 'eventTypes' | 'filter' | 'enabled' | DedicatedSettings | 'signatureScheme'
  >
>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Tenants, their API keys and their endpoints. Every endpoint read is scoped by tenant. */
export interface SubscriptionStore {
  createTenant(
    tenant: Pick<Tenant, 'id' | 'name' | 'tier'>,
    apiKeyHash: Buffer,
    apiKeyPrefix: string,
  ): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  findTenantIdByApiKeyHash(hash: Buffer): Promise<string | undefined>;

  /** Absent dedicated settings default to transport 'auto', rate limit, auth and dedicated null. */
  createEndpoint(endpoint: NewEndpoint): Promise<Endpoint>;
  getEndpoint(tenantId: string, endpointId: string): Promise<Endpoint | undefined>;
  listEndpoints(tenantId: string, page: { limit: number; cursor: string | null }): Promise<Page<Endpoint>>;
  updateEndpoint(tenantId: string, endpointId: string, patch: EndpointPatch): Promise<Endpoint | undefined>;
  deleteEndpoint(tenantId: string, endpointId: string): Promise<boolean>;
  disableEndpoint(tenantId: string, endpointId: string, reason: string): Promise<void>;
  /**
   * Records the dedicated-delivery sync's outcome (null: not dedicated). Leaves updatedAt alone:
   * it is not a change the tenant made. Does nothing for an unknown (or another tenant's) endpoint.
   */
  setDedicatedStatus(tenantId: string, endpointId: string, status: DedicatedStatus | null): Promise<void>;

  /** Enabled endpoints of these tenants, for the relay's fan-out. */
  listEnabledEndpoints(tenantIds: readonly string[]): Promise<Endpoint[]>;
  /** Endpoints by id whatever their tenant, for the deliverer (which got the ids from the relay). */
  getEndpointsByIds(endpointIds: readonly string[]): Promise<Endpoint[]>;
}
