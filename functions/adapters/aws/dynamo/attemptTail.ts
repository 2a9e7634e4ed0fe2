import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttemptTail } from '../../../ports/DeliveryLog.ts';
import { toAttemptView } from './attemptItems.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { ItemCalls } from './ItemCalls.ts';
import { ATTEMPT_ID_PATTERN, endpointAttemptsPartition, endpointRefKey, tenantPartition } from './keys.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { queryItems } from './queryItems.ts';
import { FIXED_KEYS, GSI1, KEY_PREFIXES, TABLE_KEYS } from './tableDesign.ts';

/** Sorts before every attempt id: the cursor of an empty log. */
const START_OF_LOG = '000000000000_00000_0';
const CONCURRENT_QUERIES = 8;

interface Scope {
  tenantId?: string;
  endpointId?: string;
}

/**
 * The attempt tail on the single table. Attempts are indexed per (tenant, endpoint) only, so the
 * tail queries each endpoint's GSI1 partition in scope (a tenant's endpoints, or every tenant's) and
 * merges them: one Query per endpoint per poll, fine for the hundreds of endpoints an operator tails.
 * Deleted endpoints' attempts are not in the tail (their partitions are no longer known).
 *
 * Known limit: attempt ids sort by start time, and an attempt is recorded when it ends, so one that
 * started before the previous poll's newest attempt but ended after that poll is not shown (the
 * endpoint's delivery log still has it).
 */
export async function listRecentAttempts(
  client: DynamoDBDocumentClient,
  table: string,
  scope: Scope,
  page: { after: string | null; limit: number },
): Promise<AttemptTail> {
  const after = page.after === null ? null : decodeCursor(page.after, ATTEMPT_ID_PATTERN);
  const partitions = await partitionsInScope(client, table, scope);
  const perPartition = await mapConcurrent(partitions, CONCURRENT_QUERIES, (partition) =>
    queryItems(
      client,
      {
        TableName: table,
        IndexName: GSI1.indexName,
        KeyConditionExpression: after === null ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
        ExpressionAttributeNames: {
          '#pk': GSI1.partitionKey,
          ...(after === null ? {} : { '#sk': GSI1.sortKey }),
        },
        ExpressionAttributeValues: { ':pk': partition, ...(after === null ? {} : { ':after': after }) },
        // Without a cursor: each partition's newest; with one: the oldest after it.
        ScanIndexForward: after !== null,
      },
      'listing recent attempts',
      page.limit,
    ),
  );
  const merged = perPartition
    .flat()
    .map(toAttemptView)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items = after === null ? merged.slice(-page.limit) : merged.slice(0, page.limit);
  return { items, nextCursor: encodeCursor(items.at(-1)?.id ?? after ?? START_OF_LOG) };
}

async function partitionsInScope(client: DynamoDBDocumentClient, table: string, scope: Scope) {
  if (scope.endpointId !== undefined) {
    const tenantId = scope.tenantId ?? (await tenantOfEndpoint(client, table, scope.endpointId));
    return tenantId === undefined ? [] : [endpointAttemptsPartition(tenantId, scope.endpointId)];
  }
  const tenants = scope.tenantId !== undefined ? [scope.tenantId] : await allTenantIds(client, table);
  const endpoints = await mapConcurrent(tenants, CONCURRENT_QUERIES, async (tenantId) =>
    (await endpointIdsOf(client, table, tenantId)).map((id) => endpointAttemptsPartition(tenantId, id)),
  );
  return endpoints.flat();
}

async function tenantOfEndpoint(client: DynamoDBDocumentClient, table: string, endpointId: string) {
  const ref = await new ItemCalls(client, table).get(endpointRefKey(endpointId), 'reading an endpoint');
  return typeof ref?.tenantId === 'string' ? ref.tenantId : undefined;
}

async function allTenantIds(client: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const items = await queryItems(
    client,
    {
      TableName: table,
      IndexName: GSI1.indexName,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#pk': GSI1.partitionKey, '#id': 'id' },
      ExpressionAttributeValues: { ':pk': FIXED_KEYS.tenantList },
    },
    'listing tenants',
  );
  return items.map((item) => item.id as string);
}

async function endpointIdsOf(client: DynamoDBDocumentClient, table: string, tenantId: string) {
  const items = await queryItems(
    client,
    {
      TableName: table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :endpoint)',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey, '#id': 'id' },
      ExpressionAttributeValues: { ':pk': tenantPartition(tenantId), ':endpoint': KEY_PREFIXES.endpoint },
    },
    'listing the endpoints of a tenant',
  );
  return items.map((item) => item.id as string);
}
