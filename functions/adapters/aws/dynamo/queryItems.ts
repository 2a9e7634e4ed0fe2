import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { toDynamoStoreError } from './errors.ts';

/**
 * Runs a Query across DynamoDB's 1 MB pages until `max` items are in hand or the results end.
 * `Limit` is only set without a FilterExpression: with one, Limit counts items read, not kept.
 */
export async function queryItems(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  doing: string,
  max = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const wanted = max - items.length;
    const limit = input.FilterExpression || !Number.isFinite(wanted) ? undefined : wanted;
    try {
      const output = await client.send(
        new QueryCommand({
          ...input,
          ...(limit === undefined ? {} : { Limit: limit }),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } catch (error) {
      throw toDynamoStoreError(error, doing);
    }
  } while (startKey && items.length < max);
  return items.slice(0, max);
}
