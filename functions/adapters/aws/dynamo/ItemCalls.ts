import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, toDynamoStoreError } from './errors.ts';
import type { ItemKey } from './keys.ts';

/** Single-item calls with the conversions every caller wants; a table-bound handle. */
export class ItemCalls {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Strongly consistent GetItem. */
  async get(key: ItemKey, doing: string): Promise<Record<string, unknown> | undefined> {
    try {
      const output = await this.client.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      return output.Item;
    } catch (error) {
      throw toDynamoStoreError(error, doing);
    }
  }

  /** Puts the item unless its key exists; false when it did. */
  async putIfAbsent(item: ItemKey, doing: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, doing);
    }
  }

  /** Deletes the item if the condition holds; false when it did not (or the item is missing). */
  async deleteIf(key: ItemKey, condition: string, values?: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: key,
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, 'deleting an item');
    }
  }
}

/** Whether a stored item is exactly the one we tried to write (our own write, retried by the SDK). */
export function sameItem(stored: Record<string, unknown>, written: ItemKey): boolean {
  const expected = written as unknown as Record<string, unknown>;
  return Object.keys(expected).every(
    (name) => JSON.stringify(stored[name]) === JSON.stringify(expected[name]),
  );
}
