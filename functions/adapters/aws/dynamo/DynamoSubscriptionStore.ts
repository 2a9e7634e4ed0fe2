import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SIGNATURE_SCHEMES } from '../../../core/signing/constants.ts';
import type { DedicatedStatus, Endpoint, Tenant } from '../../../core/subscriptions/Endpoint.ts';
import { orderingOf } from '../../../core/subscriptions/EndpointOrdering.ts';
import type {
  EndpointPatch,
  NewEndpoint,
  Page,
  SubscriptionStore,
} from '../../../ports/SubscriptionStore.ts';
import { type BatchRetryOptions, DEFAULT_BATCH_RETRY } from './BatchRetryOptions.ts';
import { batchGetAll } from './batchGetAll.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { EndpointTenantCache } from './EndpointTenantCache.ts';
import {
  ApiKeyTakenError,
  EndpointExistsError,
  isConditionalCheckFailed,
  TenantExistsError,
  toDynamoStoreError,
  UnknownTenantError,
} from './errors.ts';
import { ItemCalls, sameItem } from './ItemCalls.ts';
import {
  apiKeyKey,
  ENDPOINT_CREATION_KEY_PATTERN,
  endpointHealthKey,
  endpointKey,
  endpointRefKey,
  tenantKey,
  tenantPartition,
} from './keys.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { queryItems } from './queryItems.ts';
import {
  apiKeyItem,
  authItem,
  DEDICATED_DEFAULTS,
  dedicatedItem,
  endpointItem,
  endpointRefItem,
  filterText,
  receiverText,
  tenantItem,
  toEndpoint,
  toTenant,
} from './subscriptionItems.ts';
import { FIXED_KEYS, GSI1, KEY_PREFIXES, LSI1 } from './tableDesign.ts';

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  batchRetry?: Partial<BatchRetryOptions>;
  /** Parallel Queries in listEnabledEndpoints (one per tenant). */
  queryConcurrency?: number;
  now?: () => Date;
}

const EXISTS = 'attribute_exists(PK)';

/**
 * SubscriptionStore over the single table (see tableDesign.ts). DynamoDB transactions are not
 * used (dynalite lacks them): multi-item writes are ordered so that a crash between them leaves
 * nothing unsafe, and each step is a conditional write that recognises its own earlier attempt.
 */
export class DynamoSubscriptionStore implements SubscriptionStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retry: BatchRetryOptions;
  private readonly concurrency: number;
  private readonly now: () => Date;
  /** Endpoint id → tenant id. An endpoint never changes tenant; only a deleted id reused elsewhere goes stale. */
  private readonly tenantOfEndpoint = new EndpointTenantCache(10_000);
  private readonly items: ItemCalls;

  constructor(options: DynamoStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.items = new ItemCalls(options.client, options.tableName);
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.batchRetry };
    this.concurrency = options.queryConcurrency ?? 8;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Tenant first, then its key. A crash in between leaves a tenant no key opens (fails closed);
   * the reverse order could leave a key naming a tenant id someone else may create later.
   */
  async createTenant(tenant: Pick<Tenant, 'id' | 'name' | 'tier'>, apiKeyHash: Buffer, apiKeyPrefix: string) {
    const created: Tenant = { ...tenant, createdAt: this.now() };
    const item = tenantItem(created, apiKeyHash);
    if (!(await this.items.putIfAbsent(item, 'creating a tenant'))) {
      // Either the id is taken, or the SDK retried our own put after a lost response.
      const existing = await this.items.get(tenantKey(tenant.id), 'reading a tenant');
      if (!existing || !sameItem(existing, item)) throw new TenantExistsError(tenant.id);
    }
    const key = apiKeyItem(apiKeyHash, tenant.id, apiKeyPrefix, created.createdAt);
    if (!(await this.items.putIfAbsent(key, 'storing an API key'))) {
      const holder = await this.items.get(apiKeyKey(apiKeyHash), 'reading an API key');
      if (holder?.tenantId !== tenant.id) {
        await this.items.deleteIf(tenantKey(tenant.id), 'apiKeyHash = :hash', { ':hash': item.apiKeyHash });
        throw new ApiKeyTakenError();
      }
    }
    return created;
  }

  async getTenant(id: string) {
    const item = await this.items.get(tenantKey(id), 'reading a tenant');
    return item && toTenant(item);
  }

  /** From GSI1 (eventually consistent): an operator listing, not on any delivery path. */
  async listTenants() {
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI1.partitionKey },
        ExpressionAttributeValues: { ':pk': FIXED_KEYS.tenantList },
      },
      'listing tenants',
    );
    return items.map(toTenant);
  }

  async findTenantIdByApiKeyHash(hash: Buffer) {
    const item = await this.items.get(apiKeyKey(hash), 'looking up an API key');
    return typeof item?.tenantId === 'string' ? item.tenantId : undefined;
  }

  /**
   * The id → tenant ref first (it makes endpoint ids unique across tenants, as PostgreSQL's primary
   * key does), then the endpoint. A crash in between leaves a ref to nothing, which lookups skip.
   */
  async createEndpoint(endpoint: NewEndpoint) {
    if (!(await this.items.get(tenantKey(endpoint.tenantId), 'checking the tenant'))) {
      throw new UnknownTenantError(endpoint.tenantId);
    }
    const now = this.now();
    const item = endpointItem({
      ...endpoint,
      transport: endpoint.transport ?? DEDICATED_DEFAULTS.transport,
      rateLimitPerSecond: endpoint.rateLimitPerSecond ?? DEDICATED_DEFAULTS.rateLimitPerSecond,
      maxConcurrency: endpoint.maxConcurrency ?? DEDICATED_DEFAULTS.maxConcurrency,
      auth: endpoint.auth ?? DEDICATED_DEFAULTS.auth,
      dedicated: endpoint.dedicated ?? DEDICATED_DEFAULTS.dedicated,
      signatureScheme: endpoint.signatureScheme ?? SIGNATURE_SCHEMES.v1,
      receiver: endpoint.receiver ?? null,
      ordering: orderingOf(endpoint),
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    });
    const created = toEndpoint({ ...item }); // as read back: defaults filled, auth copied
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: endpointRefItem(endpoint.id, endpoint.tenantId),
          // The same tenant may retry after a crash; another tenant may not take the id.
          ConditionExpression: `attribute_not_exists(PK) OR #tenant = :tenant`,
          ExpressionAttributeNames: { '#tenant': 'tenantId' },
          ExpressionAttributeValues: { ':tenant': endpoint.tenantId },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new EndpointExistsError(endpoint.id);
      throw toDynamoStoreError(error, 'reserving an endpoint id');
    }
    if (!(await this.items.putIfAbsent(item, 'creating an endpoint'))) {
      const existing = await this.items.get(
        endpointKey(endpoint.tenantId, endpoint.id),
        'reading an endpoint',
      );
      if (!existing || !sameItem(existing, item)) throw new EndpointExistsError(endpoint.id);
    }
    this.tenantOfEndpoint.set(endpoint.id, endpoint.tenantId);
    return created;
  }

  async getEndpoint(tenantId: string, endpointId: string) {
    const item = await this.items.get(endpointKey(tenantId, endpointId), 'reading an endpoint');
    return item && toEndpoint(item);
  }

  /** Creation order from the sparse LSI1, strongly consistent; the cursor is the last LSI1SK. */
  async listEndpoints(
    tenantId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<Endpoint>> {
    const after = page.cursor === null ? null : decodeCursor(page.cursor, ENDPOINT_CREATION_KEY_PATTERN);
    const items = await queryItems(
      this.client,
      {
        TableName: this.table,
        IndexName: LSI1.indexName,
        ConsistentRead: true,
        KeyConditionExpression: after === null ? 'PK = :pk' : 'PK = :pk AND #sk > :after',
        ...(after === null ? {} : { ExpressionAttributeNames: { '#sk': LSI1.sortKey } }),
        ExpressionAttributeValues: {
          ':pk': tenantPartition(tenantId),
          ...(after === null ? {} : { ':after': after }),
        },
      },
      'listing endpoints',
      page.limit + 1,
    );
    const shown = items.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      items: shown.map(toEndpoint),
      nextCursor: items.length > page.limit && last ? encodeCursor(String(last[LSI1.sortKey])) : null,
    };
  }

  async updateEndpoint(tenantId: string, endpointId: string, patch: EndpointPatch) {
    // Every name goes through ExpressionAttributeNames: `url` is a DynamoDB reserved word.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const set = (attribute: string, value: unknown) => {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    };
    set('updatedAt', this.now().toISOString());
    // Same rules as the PostgreSQL adapter: undefined url/description/enabled mean "unchanged";
    // eventTypes and filter change whenever the key is present (null means "all" / "none").
    if (patch.url != null) set('url', patch.url);
    if (patch.description != null) set('description', patch.description);
    if ('eventTypes' in patch) set('eventTypes', patch.eventTypes ?? null);
    if ('filter' in patch) set('filter', filterText(patch.filter ?? null));
    if (patch.enabled != null) set('enabled', patch.enabled);
    if (patch.enabled === true) set('disabledReason', null);
    if (patch.transport != null) set('transport', patch.transport);
    if (patch.signatureScheme != null) set('signatureScheme', patch.signatureScheme);
    if (patch.ordering != null) set('ordering', patch.ordering);
    if ('rateLimitPerSecond' in patch) set('rateLimitPerSecond', patch.rateLimitPerSecond ?? null);
    if ('maxConcurrency' in patch) set('maxConcurrency', patch.maxConcurrency ?? null);
    if ('auth' in patch) set('auth', authItem(patch.auth ?? null));
    if ('receiver' in patch) set('receiver', receiverText(patch.receiver));
    if ('dedicated' in patch) set('dedicated', dedicatedItem(patch.dedicated ?? null));
    try {
      const output = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(tenantId, endpointId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: EXISTS, // never create an item by updating a missing one
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      // Re-enabled: its old run of failures must not disable it again on its first new failure.
      if (patch.enabled === true) await this.items.deleteIf(endpointHealthKey(tenantId, endpointId), EXISTS);
      return output.Attributes && toEndpoint(output.Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw toDynamoStoreError(error, 'updating an endpoint');
    }
  }

  /** The endpoint, then its id ref (only if the endpoint was this tenant's and existed). */
  async deleteEndpoint(tenantId: string, endpointId: string) {
    if (!(await this.items.deleteIf(endpointKey(tenantId, endpointId), EXISTS))) return false;
    await this.items.deleteIf(endpointRefKey(endpointId), 'tenantId = :tenant', { ':tenant': tenantId });
    await this.items.deleteIf(endpointHealthKey(tenantId, endpointId), EXISTS);
    this.tenantOfEndpoint.delete(endpointId);
    return true;
  }

  async disableEndpoint(tenantId: string, endpointId: string, reason: string) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(tenantId, endpointId),
          UpdateExpression: 'SET #enabled = :false, #reason = :reason, #updatedAt = :now',
          ConditionExpression: EXISTS,
          ExpressionAttributeNames: {
            '#enabled': 'enabled',
            '#reason': 'disabledReason',
            '#updatedAt': 'updatedAt',
          },
          ExpressionAttributeValues: { ':false': false, ':reason': reason, ':now': this.now().toISOString() },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return; // unknown (or another tenant's) endpoint: nothing to do
      throw toDynamoStoreError(error, 'disabling an endpoint');
    }
  }

  /** Only `dedicated`: the sync Lambda's own write, which its stream handler then skips. */
  async setDedicatedStatus(tenantId: string, endpointId: string, status: DedicatedStatus | null) {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: endpointKey(tenantId, endpointId),
          UpdateExpression: 'SET #dedicated = :dedicated',
          ConditionExpression: EXISTS, // a deleted endpoint stays deleted
          ExpressionAttributeNames: { '#dedicated': 'dedicated' },
          ExpressionAttributeValues: { ':dedicated': dedicatedItem(status) },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      throw toDynamoStoreError(error, 'recording the dedicated delivery status');
    }
  }

  /** One strongly consistent Query per tenant partition, a few in parallel. */
  async listEnabledEndpoints(tenantIds: readonly string[]) {
    const perTenant = await mapConcurrent([...new Set(tenantIds)], this.concurrency, (tenantId) =>
      queryItems(
        this.client,
        {
          TableName: this.table,
          ConsistentRead: true,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :endpoints)',
          FilterExpression: '#enabled = :true',
          ExpressionAttributeNames: { '#enabled': 'enabled' },
          ExpressionAttributeValues: {
            ':pk': tenantPartition(tenantId),
            ':endpoints': KEY_PREFIXES.endpoint,
            ':true': true,
          },
        },
        'listing enabled endpoints',
      ),
    );
    return perTenant.flat().map(toEndpoint);
  }

  /**
   * Two BatchGets: id refs (skipped for cached ids), then the endpoints. An id whose cached tenant
   * no longer holds it (deleted, in theory re-created elsewhere) is looked up again once.
   */
  async getEndpointsByIds(endpointIds: readonly string[]) {
    const ids = [...new Set(endpointIds)];
    if (ids.length === 0) return [];
    const cached = ids.filter((id) => this.tenantOfEndpoint.has(id));
    const found = await this.fetchEndpoints(ids);
    const stale = cached.filter((id) => !found.has(id));
    if (stale.length > 0) {
      for (const id of stale) this.tenantOfEndpoint.delete(id);
      for (const [id, endpoint] of await this.fetchEndpoints(stale)) found.set(id, endpoint);
    }
    return [...found.values()];
  }

  private async fetchEndpoints(ids: readonly string[]): Promise<Map<string, Endpoint>> {
    const uncached = ids.filter((id) => !this.tenantOfEndpoint.has(id));
    if (uncached.length > 0) {
      const refs = await batchGetAll(
        this.client,
        this.table,
        uncached.map(endpointRefKey),
        this.retry,
        'looking up endpoint tenants',
      );
      const idByRefKey = new Map(uncached.map((id) => [endpointRefKey(id).PK, id]));
      for (const ref of refs) {
        const id = idByRefKey.get(String(ref.PK));
        if (id !== undefined && typeof ref.tenantId === 'string') this.tenantOfEndpoint.set(id, ref.tenantId);
      }
    }
    const keys = ids.flatMap((id) => {
      const tenantId = this.tenantOfEndpoint.get(id);
      return tenantId === undefined ? [] : [endpointKey(tenantId, id)];
    });
    const items = await batchGetAll(this.client, this.table, keys, this.retry, 'reading endpoints');
    return new Map(items.map((item) => [String(item.id), toEndpoint(item)]));
  }
}
