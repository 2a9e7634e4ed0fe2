import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { EndpointHealth } from '../../../ports/DeliveryLog.ts';
import { toDynamoStoreError } from './errors.ts';
import { endpointAttemptsPartition } from './keys.ts';
import { mapConcurrent } from './mapConcurrent.ts';
import { GSI1 } from './tableDesign.ts';

/**
 * How far back one endpoint's log is read for its last success and last failure once the window is
 * counted: an endpoint failing for longer shows lastSuccessAt null rather than costing an unbounded
 * read on every view.
 */
export const HEALTH_MAX_ITEMS = 1_000;
const PAGE = 200;
const CONCURRENT_QUERIES = 8;

interface Row {
  id: string;
  startedAt: string;
  status: number | null;
  errorMessage: string | null;
}

/** Endpoint health from each endpoint's GSI1 partition, newest first; stops as soon as it knows. */
export async function endpointHealthOf(
  client: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  endpointIds: readonly string[],
  since: Date,
): Promise<Map<string, EndpointHealth>> {
  // Attempt ids start with 12 hex digits of the start time in ms.
  const sinceKey = since.getTime().toString(16).padStart(12, '0');
  const healths = await mapConcurrent(endpointIds, CONCURRENT_QUERIES, async (endpointId) => {
    const health: EndpointHealth = {
      attempts: 0,
      successes: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailureError: null,
    };
    let read = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      let output: QueryCommandOutput;
      try {
        output = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: GSI1.indexName,
            KeyConditionExpression: '#pk = :pk',
            ProjectionExpression: '#id, #startedAt, #status, #errorMessage',
            ExpressionAttributeNames: {
              '#pk': GSI1.partitionKey,
              '#id': 'id',
              '#startedAt': 'startedAt',
              '#status': 'status',
              '#errorMessage': 'errorMessage',
            },
            ExpressionAttributeValues: { ':pk': endpointAttemptsPartition(tenantId, endpointId) },
            ScanIndexForward: false,
            Limit: PAGE,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw toDynamoStoreError(error, 'reading endpoint health');
      }
      let pastWindow = false;
      for (const row of (output.Items ?? []) as unknown as Row[]) {
        read++;
        const ok = row.status !== null && row.status !== undefined && row.status >= 200 && row.status < 300;
        if (row.id >= sinceKey) {
          health.attempts++;
          if (ok) health.successes++;
        } else pastWindow = true;
        if (ok && health.lastSuccessAt === null) health.lastSuccessAt = new Date(row.startedAt);
        if (!ok && health.lastFailureAt === null) {
          health.lastFailureAt = new Date(row.startedAt);
          health.lastFailureError = row.errorMessage ?? `HTTP ${row.status}`;
        }
      }
      const known = health.lastSuccessAt !== null && health.lastFailureAt !== null;
      if (pastWindow && known) break;
      startKey = output.LastEvaluatedKey;
    } while (startKey && read < HEALTH_MAX_ITEMS);
    return [endpointId, health] as const;
  });
  return new Map(healths);
}
