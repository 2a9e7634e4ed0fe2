import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { GSI1, LSI1, TABLE_KEYS, TABLE_SETTINGS } from './tableDesign.ts';

/**
 * CreateTable input for the design in tableDesign.ts, for tests (dynalite) and local tooling; the
 * CDK stack builds the same table from the constants. TTL and PITR are separate API calls
 * (UpdateTimeToLive, UpdateContinuousBackups) and dynalite implements neither, so they are not here.
 */
export function tableDefinition(
  tableName: string,
  options: { stream?: boolean } = {},
): CreateTableCommandInput {
  const S = TABLE_SETTINGS.keyAttributeType;
  return {
    TableName: tableName,
    BillingMode: TABLE_SETTINGS.billingMode,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: S },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: S },
      { AttributeName: GSI1.partitionKey, AttributeType: S },
      { AttributeName: GSI1.sortKey, AttributeType: S },
      { AttributeName: LSI1.sortKey, AttributeType: S },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.indexName,
        KeySchema: [
          { AttributeName: GSI1.partitionKey, KeyType: 'HASH' },
          { AttributeName: GSI1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: LSI1.indexName,
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: LSI1.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    ...(options.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_SETTINGS.streamViewType } }
      : {}),
  };
}
