import type { ReceiverOptions } from '../../core/receivers/ReceiverOptions.ts';
import { SIGNATURE_SCHEMES, type SignatureScheme } from '../../core/signing/constants.ts';
import {
  DEDICATED_STATUSES,
  type DedicatedStatus,
  type DedicatedStatusName,
  ENDPOINT_TRANSPORTS,
  type Endpoint,
  type EndpointAuth,
  type EndpointTransport,
  type Tenant,
} from '../../core/subscriptions/Endpoint.ts';
import { type EndpointOrdering, orderingOf } from '../../core/subscriptions/EndpointOrdering.ts';
import type { EndpointPatch, NewEndpoint, Page, SubscriptionStore } from '../../ports/SubscriptionStore.ts';
import { cursorTimestamp, decodeCursor, encodeCursor } from '../sql/cursor.ts';
import type { Database } from './Database.ts';
import { TenantExistsError } from './errors.ts';

interface TenantRow {
  id: string;
  name: string;
  tier: Tenant['tier'];
  created_at: Date;
}

interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[] | null;
  filter: Record<string, unknown> | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
  transport: EndpointTransport;
  rate_limit_per_second: number | null;
  max_concurrency: number | null;
  ordering: EndpointOrdering;
  auth: EndpointAuth | null;
  dedicated_status: DedicatedStatusName | null;
  dedicated_api_destination_arn: string | null;
  dedicated_reason: string | null;
  signature_scheme: SignatureScheme;
  receiver_options: ReceiverOptions | null;
}

const ENDPOINT_COLUMNS = `id, tenant_id, url, description, event_types, filter, enabled, disabled_reason,
  created_at, updated_at, transport, rate_limit_per_second, auth, dedicated_status,
  dedicated_api_destination_arn, dedicated_reason, max_concurrency, signature_scheme, receiver_options,
  ordering`;

/** Why the local runtime delivers an endpoint that asked for an API destination through the pool. */
export const LOCAL_FALLBACK_REASON =
  'the local runtime has no EventBridge API destinations; deliveries go through the pooled queue (signed per attempt, no connection auth; the rate limit is applied by the local scheduler)';

export interface PgSubscriptionStoreOptions {
  /**
   * Whether something syncs API destinations for these endpoints. The local runtime has none
   * (the default): a `pending` status written with an endpoint is recorded as `fallback-pooled`
   * with LOCAL_FALLBACK_REASON, so the API tells the truth about how it is delivered.
   */
  apiDestinations?: boolean;
}

export class PgSubscriptionStore implements SubscriptionStore {
  private readonly apiDestinations: boolean;

  constructor(
    private readonly db: Database,
    options: PgSubscriptionStoreOptions = {},
  ) {
    this.apiDestinations = options.apiDestinations ?? false;
  }

  /** The dedicated status as stored: [status, arn, reason]. */
  private dedicatedColumns(dedicated: DedicatedStatus | null | undefined): (string | null)[] {
    if (!dedicated) return [null, null, null];
    if (!this.apiDestinations && dedicated.status === DEDICATED_STATUSES.pending) {
      return [DEDICATED_STATUSES.fallbackPooled, null, LOCAL_FALLBACK_REASON];
    }
    return [dedicated.status, dedicated.apiDestinationArn, dedicated.reason];
  }

  async createTenant(tenant: Pick<Tenant, 'id' | 'name' | 'tier'>, apiKeyHash: Buffer, apiKeyPrefix: string) {
    return this.db.transaction(async () => {
      const [row] = await this.db.query<TenantRow>(
        `insert into rowhook.tenants (id, name, tier) values ($1, $2, $3)
         on conflict (id) do nothing returning id, name, tier, created_at`,
        [tenant.id, tenant.name, tenant.tier],
      );
      if (!row) throw new TenantExistsError(tenant.id);
      await this.db.query(
        'insert into rowhook.api_keys (key_hash, tenant_id, key_prefix) values ($1, $2, $3)',
        [apiKeyHash, tenant.id, apiKeyPrefix],
      );
      return toTenant(row);
    });
  }

  async getTenant(id: string) {
    const [row] = await this.db.query<TenantRow>(
      'select id, name, tier, created_at from rowhook.tenants where id = $1',
      [id],
    );
    return row && toTenant(row);
  }

  async listTenants() {
    const rows = await this.db.query<TenantRow>(
      'select id, name, tier, created_at from rowhook.tenants order by id',
    );
    return rows.map(toTenant);
  }

  async findTenantIdByApiKeyHash(hash: Buffer) {
    const [row] = await this.db.query<{ tenant_id: string }>(
      'select tenant_id from rowhook.api_keys where key_hash = $1',
      [hash],
    );
    return row?.tenant_id;
  }

  async createEndpoint(endpoint: NewEndpoint) {
    const [row] = await this.db.query<EndpointRow>(
      `insert into rowhook.endpoints (id, tenant_id, url, description, event_types, filter, enabled,
         transport, rate_limit_per_second, auth, dedicated_status, dedicated_api_destination_arn,
         dedicated_reason, max_concurrency, signature_scheme, receiver_options, ordering)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning ${ENDPOINT_COLUMNS}`,
      [
        endpoint.id,
        endpoint.tenantId,
        endpoint.url,
        endpoint.description,
        endpoint.eventTypes,
        endpoint.filter === null ? null : JSON.stringify(endpoint.filter),
        endpoint.enabled,
        endpoint.transport ?? ENDPOINT_TRANSPORTS.auto,
        endpoint.rateLimitPerSecond ?? null,
        endpoint.auth == null ? null : JSON.stringify(endpoint.auth),
        ...this.dedicatedColumns(endpoint.dedicated),
        endpoint.maxConcurrency ?? null,
        endpoint.signatureScheme ?? SIGNATURE_SCHEMES.v1,
        endpoint.receiver == null ? null : JSON.stringify(endpoint.receiver),
        orderingOf(endpoint),
      ],
    );
    if (!row) throw new Error('insert returned no row');
    return toEndpoint(row);
  }

  async getEndpoint(tenantId: string, endpointId: string) {
    const [row] = await this.db.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from rowhook.endpoints where tenant_id = $1 and id = $2`,
      [tenantId, endpointId],
    );
    return row && toEndpoint(row);
  }

  async listEndpoints(
    tenantId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<Endpoint>> {
    const after = page.cursor ? decodeCursor(page.cursor, ['string', 'string']) : null;
    const rows = await this.db.query<EndpointRow & { cursor_at: string }>(
      `select ${ENDPOINT_COLUMNS}, ${cursorTimestamp('created_at')} as cursor_at from rowhook.endpoints
        where tenant_id = $1 and ($2::timestamptz is null or (created_at, id) > ($2::timestamptz, $3::text))
        order by created_at, id limit $4`,
      [
        tenantId,
        (after?.[0] as string | undefined) ?? null,
        (after?.[1] as string | undefined) ?? null,
        page.limit + 1,
      ],
    );
    const last = rows[page.limit - 1];
    return {
      items: rows.slice(0, page.limit).map(toEndpoint),
      nextCursor: rows.length > page.limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
    };
  }

  async updateEndpoint(tenantId: string, endpointId: string, patch: EndpointPatch) {
    const [row] = await this.db.query<EndpointRow>(
      `update rowhook.endpoints set
          url = coalesce($3, url),
          description = coalesce($4, description),
          event_types = case when $5::boolean then $6::text[] else event_types end,
          filter = case when $7::boolean then $8::jsonb else filter end,
          enabled = coalesce($9, enabled),
          disabled_reason = case when coalesce($9, enabled) then null else disabled_reason end,
          transport = coalesce($10, transport),
          rate_limit_per_second = case when $11::boolean then $12::integer else rate_limit_per_second end,
          auth = case when $13::boolean then $14::jsonb else auth end,
          dedicated_status = case when $15::boolean then $16::text else dedicated_status end,
          dedicated_api_destination_arn =
            case when $15::boolean then $17::text else dedicated_api_destination_arn end,
          dedicated_reason = case when $15::boolean then $18::text else dedicated_reason end,
          max_concurrency = case when $19::boolean then $20::integer else max_concurrency end,
          signature_scheme = coalesce($21, signature_scheme),
          receiver_options = case when $22::boolean then $23::jsonb else receiver_options end,
          ordering = coalesce($24, ordering),
          updated_at = now()
        where tenant_id = $1 and id = $2
        returning ${ENDPOINT_COLUMNS}`,
      [
        tenantId,
        endpointId,
        patch.url ?? null,
        patch.description ?? null,
        'eventTypes' in patch,
        patch.eventTypes ?? null,
        'filter' in patch,
        patch.filter == null ? null : JSON.stringify(patch.filter),
        patch.enabled ?? null,
        patch.transport ?? null,
        'rateLimitPerSecond' in patch,
        patch.rateLimitPerSecond ?? null,
        'auth' in patch,
        patch.auth == null ? null : JSON.stringify(patch.auth),
        'dedicated' in patch,
        ...this.dedicatedColumns(patch.dedicated),
        'maxConcurrency' in patch,
        patch.maxConcurrency ?? null,
        patch.signatureScheme ?? null,
        'receiver' in patch,
        patch.receiver == null ? null : JSON.stringify(patch.receiver),
        patch.ordering ?? null,
      ],
    );
    return row && toEndpoint(row);
  }

  async deleteEndpoint(tenantId: string, endpointId: string) {
    const rows = await this.db.query(
      'delete from rowhook.endpoints where tenant_id = $1 and id = $2 returning id',
      [tenantId, endpointId],
    );
    return rows.length > 0;
  }

  async disableEndpoint(tenantId: string, endpointId: string, reason: string) {
    await this.db.query(
      `update rowhook.endpoints set enabled = false, disabled_reason = $3, updated_at = now()
        where tenant_id = $1 and id = $2`,
      [tenantId, endpointId, reason],
    );
  }

  async setDedicatedStatus(tenantId: string, endpointId: string, status: DedicatedStatus | null) {
    await this.db.query(
      `update rowhook.endpoints
          set dedicated_status = $3, dedicated_api_destination_arn = $4, dedicated_reason = $5
        where tenant_id = $1 and id = $2`,
      [
        tenantId,
        endpointId,
        status?.status ?? null,
        status?.apiDestinationArn ?? null,
        status?.reason ?? null,
      ],
    );
  }

  async listEnabledEndpoints(tenantIds: readonly string[]) {
    if (tenantIds.length === 0) return [];
    const rows = await this.db.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from rowhook.endpoints where tenant_id = any($1::text[]) and enabled`,
      [tenantIds],
    );
    return rows.map(toEndpoint);
  }

  async getEndpointsByIds(endpointIds: readonly string[]) {
    if (endpointIds.length === 0) return [];
    const rows = await this.db.query<EndpointRow>(
      `select ${ENDPOINT_COLUMNS} from rowhook.endpoints where id = any($1::text[])`,
      [endpointIds],
    );
    return rows.map(toEndpoint);
  }
}

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, name: row.name, tier: row.tier, createdAt: row.created_at };
}

function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    filter: row.filter,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    transport: row.transport,
    rateLimitPerSecond: row.rate_limit_per_second,
    maxConcurrency: row.max_concurrency,
    ordering: row.ordering,
    signatureScheme: row.signature_scheme,
    auth: row.auth,
    receiver: row.receiver_options,
    dedicated:
      row.dedicated_status === null
        ? null
        : {
            status: row.dedicated_status,
            apiDestinationArn: row.dedicated_api_destination_arn,
            reason: row.dedicated_reason,
          },
  };
}
