import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type BatchRetryOptions, backoffDelay, sleep } from './BatchRetryOptions.ts';
import { chunk } from './chunk.ts';
import { DynamoUnavailableError, toDynamoStoreError } from './errors.ts';
import type { ItemKey } from './keys.ts';

/** BatchWriteItem takes at most 25 requests per call. */
const MAX_ITEMS_PER_CALL = 25;

/**
 * Puts items in calls of 25, retrying UnprocessedItems with backoff. Not atomic: on failure some
 * items may be stored, so callers must write items whose repetition is harmless (same key, same
 * content). The keys in `items` must be distinct (DynamoDB rejects a batch with duplicates).
 */
export async function batchPutAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly ItemKey[],
  retry: BatchRetryOptions,
  doing: string,
): Promise<void> {
  await Promise.all(
    chunk(items, MAX_ITEMS_PER_CALL).map((part) => putChunk(client, tableName, part, retry, doing)),
  );
}

type WriteRequests = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string];

async function putChunk(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: ItemKey[],
  retry: BatchRetryOptions,
  doing: string,
): Promise<void> {
  let pending: WriteRequests = items.map((item) => ({ PutRequest: { Item: { ...item } } }));
  for (let attempt = 0; ; attempt++) {
    try {
      const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = output.UnprocessedItems?.[tableName] ?? [];
    } catch (error) {
      throw toDynamoStoreError(error, doing);
    }
    if (pending.length === 0) return;
    if (attempt >= retry.maxRetries) {
      throw new DynamoUnavailableError(
        `DynamoDB left ${pending.length} items unwritten after ${retry.maxRetries} retries while ${doing}`,
      );
    }
    await sleep(backoffDelay(attempt, retry));
  }
}
