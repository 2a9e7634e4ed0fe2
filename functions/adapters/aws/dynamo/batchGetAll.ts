import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type BatchRetryOptions, backoffDelay, sleep } from './BatchRetryOptions.ts';
import { chunk } from './chunk.ts';
import { DynamoUnavailableError, toDynamoStoreError } from './errors.ts';
import type { ItemKey } from './keys.ts';

/** BatchGetItem takes at most 100 keys per call. */
const MAX_KEYS_PER_CALL = 100;

/**
 * Reads items by key, strongly consistent, in calls of 100, retrying UnprocessedKeys with backoff.
 * Missing items are simply absent from the result; order is not kept.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  retry: BatchRetryOptions,
  doing: string,
): Promise<Record<string, unknown>[]> {
  const results = await Promise.all(
    chunk(keys, MAX_KEYS_PER_CALL).map((part) => getChunk(client, tableName, part, retry, doing)),
  );
  return results.flat();
}

async function getChunk(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: ItemKey[],
  retry: BatchRetryOptions,
  doing: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = keys;
  for (let attempt = 0; ; attempt++) {
    let output: BatchGetCommandOutput;
    try {
      output = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
    } catch (error) {
      throw toDynamoStoreError(error, doing);
    }
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (pending.length === 0) return items;
    if (attempt >= retry.maxRetries) {
      throw new DynamoUnavailableError(
        `DynamoDB left ${pending.length} keys unprocessed after ${retry.maxRetries} retries while ${doing}`,
      );
    }
    await sleep(backoffDelay(attempt, retry));
  }
}
