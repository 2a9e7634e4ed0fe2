import {
  type DynamoDBDocumentClient,
  ScanCommand,
  type ScanCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, toDynamoStoreError } from './errors.ts';
import { FAILED_STATES } from './failedItems.ts';
import { GSI1, ITEM_TYPES, TABLE_KEYS, TYPE_ATTRIBUTE } from './tableDesign.ts';

export interface DynamoErasureCounts {
  /** Attempt items whose response body was removed (or had none). */
  attempts: number;
  /** Dead-letter items whose event body was removed. */
  deadLetters: number;
}

/**
 * Erases a tenant's payloads from the table: the response snippet of every attempt item, the event
 * body of every dead-letter item (an open dead letter is discarded too: without its body it cannot
 * be redriven). Ids, states, statuses and times stay. A Scan, because the table has no index of a
 * tenant's attempts across deleted endpoints; erasure is rare and operator-driven, so it pays that
 * once rather than every write paying for another index.
 */
export class DynamoTenantErasure {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async erase(tenantId: string): Promise<DynamoErasureCounts> {
    const counts: DynamoErasureCounts = { attempts: 0, deadLetters: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: ScanCommandOutput;
      try {
        page = await this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: 'tenantId = :tenant AND (#type = :attempt OR #type = :failed)',
            ProjectionExpression: '#pk, #sk, #type',
            ExpressionAttributeNames: {
              '#pk': TABLE_KEYS.partitionKey,
              '#sk': TABLE_KEYS.sortKey,
              '#type': TYPE_ATTRIBUTE,
            },
            ExpressionAttributeValues: {
              ':tenant': tenantId,
              ':attempt': ITEM_TYPES.attempt,
              ':failed': ITEM_TYPES.failed,
            },
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw toDynamoStoreError(error, `finding tenant ${tenantId}'s items to erase`);
      }
      for (const item of page.Items ?? []) {
        const key = {
          [TABLE_KEYS.partitionKey]: item[TABLE_KEYS.partitionKey],
          [TABLE_KEYS.sortKey]: item[TABLE_KEYS.sortKey],
        };
        if (item[TYPE_ATTRIBUTE] === ITEM_TYPES.attempt) {
          if (await this.update(key, 'REMOVE responseSnippet', {}, {})) counts.attempts += 1;
        } else if (
          await this.update(
            key,
            'SET erasedAt = :at, bodyMissing = :true REMOVE body, bodyGzip',
            { ':at': this.now().toISOString(), ':true': true },
            {},
          )
        ) {
          // An open dead letter is discarded: it leaves the sparse index of open dead letters.
          await this.discardIfDead(key);
          counts.deadLetters += 1;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }

  private async discardIfDead(key: Record<string, unknown>): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #state = :discarded, discardedAt = :at REMOVE #gpk, #gsk',
          ConditionExpression: '#state = :dead',
          ExpressionAttributeNames: { '#state': 'state', '#gpk': GSI1.partitionKey, '#gsk': GSI1.sortKey },
          ExpressionAttributeValues: {
            ':discarded': FAILED_STATES.discarded,
            ':dead': FAILED_STATES.dead,
            ':at': this.now().toISOString(),
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return; // redriven or discarded already
      throw toDynamoStoreError(error, 'discarding an erased dead letter');
    }
  }

  /** False when the item went meanwhile (TTL, discard): nothing left to erase. */
  private async update(
    key: Record<string, unknown>,
    expression: string,
    values: Record<string, unknown>,
    names: Record<string, string>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, ...names },
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw toDynamoStoreError(error, 'erasing a payload');
    }
  }
}
