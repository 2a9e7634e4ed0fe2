import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  GSI1,
  LSI1,
  TABLE_KEYS,
  TABLE_SETTINGS,
  TTL_ATTRIBUTE,
} from '../../../functions/adapters/aws/dynamo/tableDesign.ts';

export interface IndexKeys {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface SubscriptionsTableProps {
  readonly stage: string;
  /** Global secondary indexes (projection ALL, string keys); default: the adapters' key design. */
  readonly gsis?: readonly IndexKeys[];
  /** Local secondary indexes (sort key only; creation-time only); default: the adapters' key design. */
  readonly lsis?: ReadonlyArray<{ readonly indexName: string; readonly sortKey: string }>;
  readonly deletionProtection: boolean;
}

/**
 * The single table behind the AWS SubscriptionStore and DeliveryLog (tenants, endpoints, hashed API
 * keys, delivery attempts). Keys and indexes come from `functions/adapters/aws/dynamo/tableDesign.ts`
 * so the adapters and the stack cannot drift. On-demand, PITR, stream NEW_AND_OLD_IMAGES (the sync
 * function needs the old image to tear down a deleted endpoint's API destination), TTL on attempts.
 */
export class SubscriptionsTable extends Construct {
  readonly table: dynamodb.Table;
  private readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: SubscriptionsTableProps) {
    super(scope, id);
    const S = dynamodb.AttributeType.STRING;
    if (TABLE_SETTINGS.keyAttributeType !== 'S') throw new Error('tableDesign keys must be strings');
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `rowhook-${props.stage}`,
      partitionKey: { name: TABLE_KEYS.partitionKey, type: S },
      sortKey: { name: TABLE_KEYS.sortKey, type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: TABLE_SETTINGS.pointInTimeRecovery },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const gsis = props.gsis ?? [GSI1];
    const lsis = props.lsis ?? [LSI1];
    this.indexNames = [...gsis, ...lsis].map((index) => index.indexName);
    for (const gsi of gsis) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: S },
        ...(gsi.sortKey ? { sortKey: { name: gsi.sortKey, type: S } } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    for (const lsi of lsis) {
      this.table.addLocalSecondaryIndex({
        indexName: lsi.indexName,
        sortKey: { name: lsi.sortKey, type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Item reads and writes on the table and its named indexes (not `index/*`): the operations the
   * AWS adapters use. No Scan, no table management. With `leadingKeys`, only items whose partition
   * key matches one of the patterns (IAM `StringLike`: `*` and `?`), for every key in the request.
   */
  grantItemReadWrite(grantee: iam.IGrantable, options: { leadingKeys?: readonly string[] } = {}): iam.Grant {
    return this.grantItemActions(
      grantee,
      [...TABLE_ITEM_ACTIONS.read, ...TABLE_ITEM_ACTIONS.write],
      options.leadingKeys
        ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...options.leadingKeys] } }
        : undefined,
    );
  }

  /** Item reads only (point reads and queries), for functions that never write the table. */
  grantItemRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantItemActions(grantee, [...TABLE_ITEM_ACTIONS.read]);
  }

  private grantItemActions(
    grantee: iam.IGrantable,
    actions: string[],
    conditions?: Record<string, Record<string, unknown>>,
  ): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [
        this.table.tableArn,
        ...this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`),
      ],
      ...(conditions ? { conditions } : {}),
    });
  }
}

/** The item-level DynamoDB actions the AWS adapters call. */
export const TABLE_ITEM_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
} as const;
