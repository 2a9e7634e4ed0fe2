import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { CANARY_ENV } from '../../../functions/handlers/canaryConfig.ts';
import { CANARY_KEYS } from '../../../functions/smoke/adapters/DynamoCanaryRecords.ts';
import { ENV } from '../environment.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Database } from './Database.ts';
import { nodeFunction } from './nodeFunction.ts';
import type { Secrets } from './Secrets.ts';
import { scheduleFunction } from './scheduleFunction.ts';

export interface CanaryProps {
  readonly stage: string;
  readonly apiUrl: string;
  readonly database: Database;
  readonly secrets: Secrets;
  readonly logRetention: logs.RetentionDays;
  /** Folder holding canaryReceiver.ts and canaryCheck.ts; default functions/handlers. */
  readonly handlersDir?: string;
}

/** How often the scheduled check runs; a run takes up to ~4 minutes (dedicated sync + delivery wait). */
export const CANARY_SCHEDULE = 'rate(10 minutes)';
/** The check's Errors are summed over this period; no invocation in it counts as a failure. */
export const CANARY_ALARM_PERIOD = Duration.minutes(30);
/** Failed runs in the period, or 1 when it had no run at all. */
export const CANARY_ALARM_EXPRESSION = 'IF(FILL(runs, 0) == 0, 1, FILL(errors, 0))';

/**
 * rowhook:canary=true: proof of delivery on the deployed stack.
 * - receiver: a Function URL (auth NONE: webhook senders, API destinations included, cannot sign
 *   SigV4; unknown runs get 404) verifying Standard Webhooks signatures with the standardwebhooks
 *   library and recording each result in the canary's own table.
 * - check: the `npm run smoke` run on a schedule; it throws on failure, and its Errors are alarmed.
 * The table is the canary's alone, so neither function touches tenant data in DynamoDB.
 */
export class Canary extends Construct {
  readonly table: dynamodb.Table;
  readonly receiver: nodejs.NodejsFunction;
  readonly receiverUrl: lambda.FunctionUrl;
  readonly check: nodejs.NodejsFunction;
  readonly schedule: scheduler.CfnSchedule;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const { stage, database, secrets } = props;
    const handlersDir = props.handlersDir ?? path.join(REPO_ROOT, 'functions', 'handlers');

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `rowhook-${stage}-canary`,
      partitionKey: { name: CANARY_KEYS.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: CANARY_KEYS.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: CANARY_KEYS.ttl,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Throwaway records that expire within the hour: nothing worth keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const tableAccess = (actions: string[]) =>
      new iam.PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
      });

    this.receiver = nodeFunction(this, 'Receiver', {
      entry: path.join(handlersDir, 'canaryReceiver.ts'),
      serviceName: 'rowhook-canary-receiver',
      description: 'Rowhook canary receiver: verifies Standard Webhooks signatures and records each delivery',
      timeout: Duration.seconds(10),
      memorySize: 256,
      logRetention: props.logRetention,
      environment: { [CANARY_ENV.canaryTableName]: this.table.tableName },
    });
    this.receiver.addToRolePolicy(tableAccess(['GetItem', 'PutItem']));
    this.receiverUrl = this.receiver.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    this.check = nodeFunction(this, 'Check', {
      entry: path.join(handlersDir, 'canaryCheck.ts'),
      serviceName: 'rowhook-canary-check',
      description: 'Rowhook canary: one pooled and one dedicated delivery through the deployed stack',
      timeout: Duration.minutes(5),
      memorySize: 256,
      logRetention: props.logRetention,
      environment: {
        [ENV.stage]: stage,
        [CANARY_ENV.canaryTableName]: this.table.tableName,
        [CANARY_ENV.apiUrl]: props.apiUrl,
        [CANARY_ENV.receiverUrl]: this.receiverUrl.url,
        [ENV.adminTokenSecretArn]: secrets.adminToken.secretArn,
        [ENV.dbClusterArn]: database.cluster.clusterArn,
        [ENV.dbSecretArn]: database.dataApiSecretArn,
        [ENV.dbName]: database.databaseName,
      },
    });
    // Scheduler invokes asynchronously; a failed run is not retried (it would count twice in the
    // alarm and churn another dedicated endpoint), the next scheduled run checks again.
    this.check.configureAsyncInvoke({ retryAttempts: 0 });
    this.check.addToRolePolicy(tableAccess(['GetItem', 'PutItem', 'Query', 'DeleteItem']));
    secrets.adminToken.grantRead(this.check);
    database.cluster.grantDataApiAccess(this.check);

    this.schedule = scheduleFunction(
      this,
      { role: 'SchedulerRole', schedule: 'Schedule' },
      {
        fn: this.check,
        name: `rowhook-${stage}-canary`,
        description: 'Rowhook canary: proves pooled and dedicated delivery end to end',
        roleDescription: 'EventBridge Scheduler invokes the Rowhook canary check',
        expression: CANARY_SCHEDULE,
        source: 'rowhook.canary',
      },
    );

    // A failed run throws (Errors ≥ 1). A period without invocations means the canary did not run
    // at all (schedule, role, throttling), a failure of its own; it is counted explicitly rather than
    // trusting Lambda to publish Errors = 0 datapoints for runs that pass.
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: `rowhook-${stage}-canary`,
      alarmDescription:
        'The Rowhook canary failed or did not run: a pooled or dedicated delivery was not received with a valid signature (see the rowhook-canary-check log)',
      metric: new cloudwatch.MathExpression({
        expression: CANARY_ALARM_EXPRESSION,
        usingMetrics: {
          runs: this.check.metricInvocations({ period: CANARY_ALARM_PERIOD, statistic: 'Sum' }),
          errors: this.check.metricErrors({ period: CANARY_ALARM_PERIOD, statistic: 'Sum' }),
        },
        period: CANARY_ALARM_PERIOD,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}
