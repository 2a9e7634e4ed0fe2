import type { ReceiverOptions } from '../../../core/receivers/ReceiverOptions.ts';
import type { SignatureScheme } from '../../../core/signing/constants.ts';
import {
  type DedicatedStatus,
  ENDPOINT_TRANSPORTS,
  type Endpoint,
  type EndpointAuth,
  type EndpointTransport,
  type Tenant,
} from '../../../core/subscriptions/Endpoint.ts';
import type { EndpointOrdering } from '../../../core/subscriptions/EndpointOrdering.ts';
import {
  apiKeyKey,
  endpointCreationKey,
  endpointKey,
  endpointRefKey,
  type ItemKey,
  keyPart,
  tenantKey,
} from './keys.ts';
import { FIXED_KEYS, GSI1, ITEM_TYPES, LSI1, TYPE_ATTRIBUTE } from './tableDesign.ts';

/** Item shapes as stored. Dates are ISO-8601 strings; absent values are stored as null. */
export interface TenantItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.tenant;
  [GSI1.partitionKey]: string;
  [GSI1.sortKey]: string;
  id: string;
  name: string;
  tier: Tenant['tier'];
  createdAt: string;
  /** The key hash it was created with (hex): lets a retried create recognise its own earlier write. */
  apiKeyHash: string;
}

export interface ApiKeyItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.apiKey;
  tenantId: string;
  keyPrefix: string;
  createdAt: string;
}

export interface EndpointItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.endpoint;
  [LSI1.sortKey]: string;
  id: string;
  tenantId: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  /** JSON text: keeps the filter exactly as given (key order, number spelling, empty objects). */
  filter: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  // Dedicated delivery; items written before these existed lack them (read as the defaults).
  transport?: EndpointTransport;
  rateLimitPerSecond?: number | null;
  /** Used by the local pooled queue only; stored so the API reads back what was written. */
  maxConcurrency?: number | null;
  /** Non-secret part only; the secret is in Secrets Manager. A map, so stream images show it. */
  auth?: EndpointAuth | null;
  /** Written by the sync Lambda; the stream handler ignores changes to it alone. */
  dedicated?: DedicatedStatus | null;
  /** Absent on items written before v1a existed: v1. The key itself is in Secrets Manager. */
  signatureScheme?: SignatureScheme;
  /**
   * Receiver options (custom headers, receiver auth, client certificate, retry schedule, timeout)
   * as JSON text, the non-secret half only (the secrets are in Secrets Manager); null or absent:
   * none. Text, like the filter, so empty maps and header order survive as written.
   */
  receiver?: string | null;
  /** Absent on items written before ordering existed: none. Per-key ones go through the FIFO queue. */
  ordering?: EndpointOrdering;
}

export interface EndpointRefItem extends ItemKey {
  [TYPE_ATTRIBUTE]: typeof ITEM_TYPES.endpointRef;
  tenantId: string;
}

export function tenantItem(tenant: Tenant, apiKeyHash: Buffer): TenantItem {
  return {
    ...tenantKey(tenant.id),
    [TYPE_ATTRIBUTE]: ITEM_TYPES.tenant,
    [GSI1.partitionKey]: FIXED_KEYS.tenantList,
    [GSI1.sortKey]: keyPart(tenant.id),
    id: tenant.id,
    name: tenant.name,
    tier: tenant.tier,
    createdAt: tenant.createdAt.toISOString(),
    apiKeyHash: apiKeyHash.toString('hex'),
  };
}

export function toTenant(item: Record<string, unknown>): Tenant {
  const row = item as unknown as TenantItem;
  return { id: row.id, name: row.name, tier: row.tier, createdAt: new Date(row.createdAt) };
}

export function apiKeyItem(hash: Buffer, tenantId: string, keyPrefix: string, createdAt: Date): ApiKeyItem {
  return {
    ...apiKeyKey(hash),
    [TYPE_ATTRIBUTE]: ITEM_TYPES.apiKey,
    tenantId,
    keyPrefix,
    createdAt: createdAt.toISOString(),
  };
}

export function endpointItem(endpoint: Endpoint): EndpointItem {
  return {
    ...endpointKey(endpoint.tenantId, endpoint.id),
    [TYPE_ATTRIBUTE]: ITEM_TYPES.endpoint,
    [LSI1.sortKey]: endpointCreationKey(endpoint.createdAt, endpoint.id),
    id: endpoint.id,
    tenantId: endpoint.tenantId,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    filter: filterText(endpoint.filter),
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    // Written when given (the store fills the defaults in on creation), so item ↔ Endpoint
    // round-trips exactly, also for endpoints built without these optional fields.
    ...(endpoint.transport === undefined ? {} : { transport: endpoint.transport }),
    ...(endpoint.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: endpoint.rateLimitPerSecond }),
    ...(endpoint.maxConcurrency === undefined ? {} : { maxConcurrency: endpoint.maxConcurrency }),
    ...(endpoint.auth === undefined ? {} : { auth: authItem(endpoint.auth) }),
    ...(endpoint.dedicated === undefined ? {} : { dedicated: dedicatedItem(endpoint.dedicated) }),
    ...(endpoint.signatureScheme === undefined ? {} : { signatureScheme: endpoint.signatureScheme }),
    ...(endpoint.receiver === undefined ? {} : { receiver: receiverText(endpoint.receiver) }),
    ...(endpoint.ordering === undefined ? {} : { ordering: endpoint.ordering }),
  };
}

export const receiverText = (receiver: Endpoint['receiver']) =>
  receiver == null ? null : JSON.stringify(receiver);

/** What an endpoint created without dedicated-delivery settings gets. */
export const DEDICATED_DEFAULTS = {
  transport: ENDPOINT_TRANSPORTS.auto,
  rateLimitPerSecond: null,
  maxConcurrency: null,
  auth: null,
  dedicated: null,
} as const satisfies Partial<Endpoint>;

/** Plain copies with only the known keys (and no undefined `scope`), as stored. */
export function authItem(auth: EndpointAuth | null): EndpointAuth | null {
  if (auth === null) return null;
  switch (auth.type) {
    case 'API_KEY':
      return { type: auth.type, headerName: auth.headerName };
    case 'BASIC':
      return { type: auth.type, username: auth.username };
    case 'OAUTH_CLIENT_CREDENTIALS':
      return {
        type: auth.type,
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        ...(auth.scope === undefined ? {} : { scope: auth.scope }),
      };
  }
}

export function dedicatedItem(dedicated: DedicatedStatus | null): DedicatedStatus | null {
  return dedicated === null
    ? null
    : { status: dedicated.status, apiDestinationArn: dedicated.apiDestinationArn, reason: dedicated.reason };
}

export const filterText = (filter: Endpoint['filter']) => (filter === null ? null : JSON.stringify(filter));

export function toEndpoint(item: Record<string, unknown>): Endpoint {
  const row = item as unknown as EndpointItem;
  return {
    id: row.id,
    tenantId: row.tenantId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes ?? null,
    filter: row.filter == null ? null : (JSON.parse(row.filter) as Record<string, unknown>),
    enabled: row.enabled,
    disabledReason: row.disabledReason ?? null,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    // Absent on items written before these existed: left out, which Endpoint reads as the defaults.
    ...(row.transport === undefined ? {} : { transport: row.transport }),
    ...(row.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: row.rateLimitPerSecond }),
    ...(row.maxConcurrency === undefined ? {} : { maxConcurrency: row.maxConcurrency }),
    ...(row.auth === undefined ? {} : { auth: authItem(row.auth) }),
    ...(row.dedicated === undefined ? {} : { dedicated: dedicatedItem(row.dedicated) }),
    ...(row.signatureScheme === undefined ? {} : { signatureScheme: row.signatureScheme }),
    ...(row.receiver === undefined
      ? {}
      : { receiver: row.receiver === null ? null : (JSON.parse(row.receiver) as ReceiverOptions) }),
    ...(row.ordering === undefined ? {} : { ordering: row.ordering }),
  };
}

/** Whether a stored item (or an unmarshalled stream image) is an endpoint item. */
export const isEndpointItem = (item: Record<string, unknown> | undefined): item is Record<string, unknown> =>
  item?.[TYPE_ATTRIBUTE] === ITEM_TYPES.endpoint &&
  typeof item.id === 'string' &&
  typeof item.tenantId === 'string';

export function endpointRefItem(endpointId: string, tenantId: string): EndpointRefItem {
  return { ...endpointRefKey(endpointId), [TYPE_ATTRIBUTE]: ITEM_TYPES.endpointRef, tenantId };
}
