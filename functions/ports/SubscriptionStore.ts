import type { Endpoint, Tenant } from '../core/subscriptions/Endpoint.ts';

export type NewEndpoint = Pick<
  Endpoint,
  'id' | 'tenantId' | 'url' | 'description' | 'eventTypes' | 'filter' | 'enabled'
>;

export type EndpointPatch = Partial<
  Pick<Endpoint, 'url' | 'description' | 'eventTypes' | 'filter' | 'enabled'>
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

  createEndpoint(endpoint: NewEndpoint): Promise<Endpoint>;
  getEndpoint(tenantId: string, endpointId: string): Promise<Endpoint | undefined>;
  listEndpoints(tenantId: string, page: { limit: number; cursor: string | null }): Promise<Page<Endpoint>>;
  updateEndpoint(tenantId: string, endpointId: string, patch: EndpointPatch): Promise<Endpoint | undefined>;
  deleteEndpoint(tenantId: string, endpointId: string): Promise<boolean>;
  disableEndpoint(tenantId: string, endpointId: string, reason: string): Promise<void>;

  /** Enabled endpoints of these tenants, for the relay's fan-out. */
  listEnabledEndpoints(tenantIds: readonly string[]): Promise<Endpoint[]>;
  /** Endpoints by id whatever their tenant, for the deliverer (which got the ids from the relay). */
  getEndpointsByIds(endpointIds: readonly string[]): Promise<Endpoint[]>;
}
