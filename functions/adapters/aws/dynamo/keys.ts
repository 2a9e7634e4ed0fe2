import { FIXED_KEYS, KEY_PREFIXES, TABLE_KEYS } from './tableDesign.ts';

export type ItemKey = Record<(typeof TABLE_KEYS)[keyof typeof TABLE_KEYS], string>;

/**
 * Escapes `#` (our separator) and `%` (the escape) in an id placed in a composite key, so
 * ("a#b", "c") and ("a", "b#c") can never build the same key. API-validated ids contain neither,
 * but the store does not rely on its callers for tenant isolation.
 */
export const keyPart = (value: string) => value.replaceAll('%', '%25').replaceAll('#', '%23');

const key = (pk: string, sk: string): ItemKey => ({
  [TABLE_KEYS.partitionKey]: pk,
  [TABLE_KEYS.sortKey]: sk,
});

export const tenantPartition = (tenantId: string) => `${KEY_PREFIXES.tenant}${keyPart(tenantId)}`;

export const tenantKey = (tenantId: string) => key(tenantPartition(tenantId), FIXED_KEYS.tenantSortKey);

export const apiKeyKey = (hash: Buffer) =>
  key(`${KEY_PREFIXES.apiKey}${hash.toString('hex')}`, FIXED_KEYS.apiKeySortKey);

export const endpointKey = (tenantId: string, endpointId: string) =>
  key(tenantPartition(tenantId), `${KEY_PREFIXES.endpoint}${keyPart(endpointId)}`);

export const endpointRefKey = (endpointId: string) =>
  key(`${KEY_PREFIXES.endpoint}${keyPart(endpointId)}`, FIXED_KEYS.endpointRefSortKey);

/**
 * LSI1 sort key: creation order, ties broken by id. ISO-8601 UTC strings have a fixed width, so
 * comparing the strings compares the instants.
 */
export const endpointCreationKey = (createdAt: Date, endpointId: string) =>
  `${createdAt.toISOString()}#${keyPart(endpointId)}`;

/** In the tenant's partition, next to its endpoint; see tableDesign.ts. */
export const endpointHealthKey = (tenantId: string, endpointId: string) =>
  key(tenantPartition(tenantId), `${KEY_PREFIXES.endpointHealth}${keyPart(endpointId)}`);

export const operationalEventKey = (id: string) =>
  key(`${KEY_PREFIXES.operationalEvent}${keyPart(id)}`, FIXED_KEYS.operationalEventSortKey);

export const deliveryPartition = (deliveryId: string) => `${KEY_PREFIXES.delivery}${keyPart(deliveryId)}`;

export const attemptKey = (deliveryId: string, attemptId: string) =>
  key(deliveryPartition(deliveryId), `${KEY_PREFIXES.attempt}${attemptId}`);

export const endpointAttemptsPartition = (tenantId: string, endpointId: string) =>
  `${KEY_PREFIXES.endpointAttempts}${keyPart(tenantId)}#${keyPart(endpointId)}`;

/**
 * Attempt ids sort by start time (12 hex digits of epoch ms), then attempt number, then delivery,
 * so one string orders both a delivery's attempts and an endpoint's log. Being derived from the
 * attempt itself, recording the same attempt twice (a retried batch) overwrites instead of adding.
 */
export const attemptId = (startedAt: Date, attempt: number, deliveryId: string) =>
  `${startedAt.getTime().toString(16).padStart(12, '0')}_${String(attempt).padStart(5, '0')}_${keyPart(deliveryId)}`;

export const ATTEMPT_ID_PATTERN = /^[0-9a-f]{12}_\d{5}_.+$/;
export const ENDPOINT_CREATION_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#.+$/;
