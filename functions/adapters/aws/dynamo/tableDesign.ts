/**
 * The one DynamoDB table behind the AWS SubscriptionStore and DeliveryLog. Plain constants, no SDK
 * import, so the CDK stack can build the table from the same names the adapters query.
 *
 * Table: on-demand billing, point-in-time recovery on, stream NEW_AND_OLD_IMAGES (the sync Lambda
 * needs the old image to tear down a deleted endpoint's API destination), TTL on `expiresAt`.
 *
 * Items (PK / SK, then index keys):
 * - tenant         TENANT#<tenantId> / TENANT               GSI1: TENANTS / <tenantId>
 * - API key        APIKEY#<sha256 hex> / APIKEY             (point lookup only)
 * - endpoint       TENANT#<tenantId> / ENDPOINT#<id>        LSI1: <createdAt ISO>#<id>
 * - endpoint ref   ENDPOINT#<id> / ENDPOINT                 (id → tenant, for lookups by id alone)
 * - attempt        DELIVERY#<deliveryId> / ATTEMPT#<id>     GSI1: ATTEMPTS#<tenantId>#<endpointId> / <id>
 *                  with `expiresAt` (epoch seconds) so DynamoDB's TTL sweeps old attempts.
 * - failed delivery FAILED#<deliveryId> / FAILED              GSI1: FAILED#ALL / <failedAt ISO>#<deliveryId>
 *                  a dead letter (no TTL: operators redrive or discard it); GSI1 keys only while
 *                  its state is `dead`, so the index lists exactly the open dead letters.
 * - endpoint health TENANT#<tenantId> / HEALTH#<endpointId>  (only while failing: absent = healthy)
 *                  its run of failed attempts for the auto-disable rule; compare-and-set on its values.
 * - operational event OPEVENT#<id> / OPEVENT                GSI1: OPEVENTS#ALL / <id> (oev_..., time-ordered)
 *
 * Endpoints live in their tenant's partition so every tenant-scoped read is a strongly consistent
 * key lookup or Query (an LSI allows ConsistentRead, a GSI does not): the relay never misses an
 * endpoint created a moment ago, nor keeps sending to one just disabled.
 */
export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;

/** Overloaded GSI: the tenant list, and each endpoint's attempts newest first. Projection ALL. */
export const GSI1 = { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' } as const;

/**
 * Sparse LSI (only endpoint items carry LSI1SK): a tenant's endpoints in creation order.
 * Projection ALL. It must exist when the table is created; LSIs cannot be added later.
 */
export const LSI1 = { indexName: 'LSI1', sortKey: 'LSI1SK' } as const;

/** Epoch seconds; only attempt items carry it. Enable TTL on this attribute. */
export const TTL_ATTRIBUTE = 'expiresAt' as const;

/** Every item names its kind here, so stream consumers can pick endpoint changes without parsing keys. */
export const TYPE_ATTRIBUTE = 'type' as const;

export const ITEM_TYPES = {
  tenant: 'tenant',
  apiKey: 'apiKey',
  endpoint: 'endpoint',
  endpointRef: 'endpointRef',
  attempt: 'attempt',
  failed: 'failed',
  endpointHealth: 'endpointHealth',
  operationalEvent: 'operationalEvent',
} as const;

export const KEY_PREFIXES = {
  tenant: 'TENANT#',
  apiKey: 'APIKEY#',
  endpoint: 'ENDPOINT#',
  delivery: 'DELIVERY#',
  attempt: 'ATTEMPT#',
  endpointAttempts: 'ATTEMPTS#',
  failed: 'FAILED#',
  endpointHealth: 'HEALTH#',
  operationalEvent: 'OPEVENT#',
} as const;

/** Fixed sort keys and GSI partitions of the single-item kinds. */
export const FIXED_KEYS = {
  tenantSortKey: 'TENANT',
  apiKeySortKey: 'APIKEY',
  endpointRefSortKey: 'ENDPOINT',
  tenantList: 'TENANTS',
  failedSortKey: 'FAILED',
  /** GSI1 partition of every open dead letter, newest first. */
  failedList: 'FAILED#ALL',
  operationalEventSortKey: 'OPEVENT',
  /** GSI1 partition of every operational event, in id (= time) order. */
  operationalEventList: 'OPEVENTS#ALL',
} as const;

/** What the CDK construct should set besides keys and indexes. */
export const TABLE_SETTINGS = {
  billingMode: 'PAY_PER_REQUEST',
  pointInTimeRecovery: true,
  streamViewType: 'NEW_AND_OLD_IMAGES',
  timeToLiveAttribute: TTL_ATTRIBUTE,
  /** Every key attribute is a string. */
  keyAttributeType: 'S',
} as const;
