import path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ITEM_TYPES, TYPE_ATTRIBUTE } from '../../../functions/adapters/aws/dynamo/tableDesign.ts';
import { OPERATOR_WEBHOOK_ENABLED } from '../../../functions/handlers/config.ts';
import { ENV } from '../environment.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Bus } from './Bus.ts';
import type { Database } from './Database.ts';
import type { DeliveryQueues } from './DeliveryQueues.ts';
import { nodeFunction } from './nodeFunction.ts';
import type { Secrets } from './Secrets.ts';
import type { SubscriptionsTable } from './SubscriptionsTable.ts';
import { scheduleFunction } from './scheduleFunction.ts';

export interface FunctionsProps {
  readonly stage: string;
  readonly database: Database;
  readonly bus: Bus;
  readonly queues: DeliveryQueues;
  readonly table: SubscriptionsTable;
  readonly secrets: Secrets;
  readonly deliverMaxConcurrency: number;
  readonly attemptRetentionDays: number;
  /** Reserved concurrency of the relay (0 or absent: none reserved). */
  readonly relayReservedConcurrency?: number;
  /** An operator webhook is configured: deliver publishes operational events on the bus. */
  readonly operatorWebhook?: boolean;
  /** rowhook:dedicatedDelivery: whether endpoints may get API destinations (default off). */
  readonly dedicatedDelivery?: boolean;
  /** Folder holding relay.ts, deliver.ts, api.ts, sync.ts, sweeper.ts; default functions/handlers. */
  readonly handlersDir?: string;
}

/** Stream records of endpoint items only (the `type` attribute, either image). */
export const SYNC_STREAM_FILTERS: Array<Record<string, unknown>> = (['NewImage', 'OldImage'] as const).map(
  (image) =>
    lambda.FilterCriteria.filter({
      dynamodb: { [image]: { [TYPE_ATTRIBUTE]: { S: lambda.FilterRule.isEqual(ITEM_TYPES.endpoint) } } },
    }),
);

export const DELIVER_TIMEOUT = Duration.seconds(30);
const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/**
 * The five handlers as Lambda functions, their triggers, and least-privilege grants scoped to this
 * stack's resources:
 * - relay: nudged by Aurora (`aws_lambda.invoke`, async) and by the sweeper; Data API, table,
 *   PutEvents on the bus, reads endpoint signing secrets (it pre-signs API destination headers).
 * - deliver: SQS delivery queue + dedicated-destination DLQ, ReportBatchItemFailures, MaximumConcurrency.
 * - api: the HTTP app behind API Gateway.
 * - sync: DynamoDB stream → Connection / ApiDestination / Rule per dedicated endpoint.
 * - sweeper: EventBridge Scheduler every minute; runs the relay drain so a lost nudge only delays.
 * Endpoint auth secrets (receiver credentials, `rowhook/<stage>/endpoint-auth/`) are reachable only
 * by api (writes them) and sync (reads them into the Connection); relay, deliver and sweeper read
 * signing secrets (`rowhook/<stage>/endpoints/`) only.
 */
export class Functions extends Construct {
  readonly relay: nodejs.NodejsFunction;
  readonly deliver: nodejs.NodejsFunction;
  readonly api: nodejs.NodejsFunction;
  readonly sync: nodejs.NodejsFunction;
  readonly sweeper: nodejs.NodejsFunction;
  readonly apiDestinationRole: iam.Role;
  readonly sweeperSchedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { database, bus, queues, table, secrets, stage } = props;
    const stack = Stack.of(this);
    const handlersDir = props.handlersDir ?? path.join(REPO_ROOT, 'functions', 'handlers');
    const entry = (name: string) => path.join(handlersDir, `${name}.ts`);

    const common: Record<string, string> = {
      [ENV.stage]: stage,
      [ENV.tableName]: table.table.tableName,
      [ENV.eventBusName]: bus.bus.eventBusName,
      // Read by the relay and sweeper (routing) and sync (resources, status); one place for all.
      [ENV.dedicatedDelivery]: props.dedicatedDelivery ? 'on' : 'off',
    };
    const dataApi: Record<string, string> = {
      [ENV.dbClusterArn]: database.cluster.clusterArn,
      [ENV.dbSecretArn]: database.dataApiSecretArn,
      [ENV.dbName]: database.databaseName,
    };
    // Signing secrets only: the auth-secret prefix is granted to api and sync alone, below.
    const readEndpointSecrets = new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secrets.endpointSecretsArn],
    });

    // relay -----------------------------------------------------------------------------------
    this.relay = nodeFunction(this, 'Relay', {
      entry: entry('relay'),
      serviceName: 'rowhook-relay',
      description: 'Claims committed outbox rows over the Data API and publishes one bus entry per delivery',
      timeout: Duration.seconds(60),
      memorySize: 512,
      logRetention: LOG_RETENTION,
      environment: { ...common, ...dataApi },
    });
    // Reserved so a flood of deliver invocations can never starve the relay of account concurrency
    // (nudges would be throttled and events would wait for the sweeper), and capped so a burst of
    // nudges cannot run more drains than the outbox claims keep busy. Set on the L1 (nodeFunction
    // is shared by every function).
    if (props.relayReservedConcurrency) {
      (this.relay.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions =
        props.relayReservedConcurrency;
    }
    // Invoked asynchronously (Aurora nudges, sweeper). A failed or throttled nudge is not retried:
    // the sweeper re-runs the relay within a minute anyway, and retries would only pile up.
    this.relay.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    database.cluster.grantDataApiAccess(this.relay);
    // Endpoint lookups only (relayOutbox, resolveTransports): the relay never writes the table.
    table.grantItemRead(this.relay);
    bus.bus.grantPutEventsTo(this.relay);
    this.relay.addToRolePolicy(readEndpointSecrets);
    database.allowInvoke(this.relay);

    // deliver ---------------------------------------------------------------------------------
    this.deliver = nodeFunction(this, 'Deliver', {
      entry: entry('deliver'),
      serviceName: 'rowhook-deliver',
      description:
        'Signs and POSTs one attempt per message; re-enqueues retries; dead-letters exhausted ones',
      timeout: DELIVER_TIMEOUT,
      memorySize: 512,
      logRetention: LOG_RETENTION,
      environment: {
        ...common,
        [ENV.deliveryQueueUrl]: queues.deliveryQueue.queueUrl,
        [ENV.deadLetterQueueUrl]: queues.deadLetterQueue.queueUrl,
        [ENV.attemptRetentionDays]: String(props.attemptRetentionDays),
        ...(props.operatorWebhook ? { [ENV.operatorWebhook]: OPERATOR_WEBHOOK_ENABLED } : {}),
      },
    });
    for (const queue of [queues.deliveryQueue, queues.dedicatedDlq]) {
      this.deliver.addEventSource(
        new sources.SqsEventSource(queue, {
          batchSize: 10,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
          maxConcurrency: props.deliverMaxConcurrency,
        }),
      );
    }
    queues.deliveryQueue.grantSendMessages(this.deliver); // retries and chained delays
    queues.deadLetterQueue.grantSendMessages(this.deliver); // exhausted deliveries
    table.grantItemReadWrite(this.deliver); // attempt log, failed records, endpoint lookups
    this.deliver.addToRolePolicy(readEndpointSecrets);
    // Receiver secrets (custom headers, receiver auth, client keys) of pooled endpoints; read only.
    this.deliver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secrets.endpointReceiverSecretsArn],
      }),
    );
    // Operational events go to the operator endpoint through the bus, like any pooled delivery.
    if (props.operatorWebhook) bus.bus.grantPutEventsTo(this.deliver);

    // api -------------------------------------------------------------------------------------
    this.api = nodeFunction(this, 'Api', {
      entry: entry('api'),
      serviceName: 'rowhook-api',
      description: 'Tenant and operator HTTP API (the same app as npm start) behind API Gateway',
      timeout: Duration.seconds(29),
      memorySize: 512,
      logRetention: LOG_RETENTION,
      environment: {
        ...common,
        ...dataApi,
        [ENV.adminTokenSecretArn]: secrets.adminToken.secretArn,
        [ENV.dbTenantSecretArn]: database.tenantSecret.secretArn,
        [ENV.deliveryQueueUrl]: queues.deliveryQueue.queueUrl,
        // Resolved dead letters get a TTL of this many days.
        [ENV.attemptRetentionDays]: String(props.attemptRetentionDays),
      },
      // The web console's static files, copied beside the bundle where consoleRoutes looks for them.
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_input: string, output: string) => [
          `cp -R "${path.join(REPO_ROOT, 'console')}" "${output}/console"`,
        ],
      },
    });
    table.grantItemReadWrite(this.api);
    // DELETE /v1/tenants/{id}/data finds a tenant's attempt and dead-letter items with a Scan.
    this.api.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.table.tableArn] }),
    );
    secrets.adminToken.grantRead(this.api);
    // Test events and the outbox views go through the Data API; a tenant's as the tenant role.
    database.cluster.grantDataApiAccess(this.api);
    database.tenantSecret.grantRead(this.api);
    // Redriving a dead letter re-sends its delivery message to the delivery queue.
    queues.deliveryQueue.grantSendMessages(this.api);
    this.api.addToRolePolicy(
      new iam.PolicyStatement({
        // Endpoint signing secrets: create on endpoint creation, rotate, delete with the endpoint.
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:DeleteSecret',
        ],
        resources: [secrets.endpointSecretsArn],
      }),
    );
    this.api.addToRolePolicy(
      new iam.PolicyStatement({
        // Endpoint auth secrets: written from `authSecret` (put, else create), deleted with the
        // endpoint; write-only, the API never reads them back.
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DeleteSecret',
        ],
        resources: [secrets.endpointAuthSecretsArn],
      }),
    );
    this.api.addToRolePolicy(
      new iam.PolicyStatement({
        // Receiver secrets: written on create and change, read back so a change may keep a
        // secret it does not resend, deleted with the endpoint.
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:GetSecretValue',
          'secretsmanager:DeleteSecret',
        ],
        resources: [secrets.endpointReceiverSecretsArn],
      }),
    );

    // sync ------------------------------------------------------------------------------------
    this.apiDestinationRole = new iam.Role(this, 'ApiDestinationInvokeRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: "EventBridge invokes this stage's per-endpoint API destinations",
    });
    this.apiDestinationRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:InvokeApiDestination'],
        resources: [
          stack.formatArn({
            service: 'events',
            resource: 'api-destination',
            resourceName: `rowhook-${stage}-*`,
          }),
        ],
      }),
    );
    this.sync = nodeFunction(this, 'Sync', {
      entry: entry('sync'),
      serviceName: 'rowhook-sync',
      description: 'Keeps each dedicated endpoint Connection + API destination + Rule in step with DynamoDB',
      timeout: Duration.seconds(60),
      memorySize: 256,
      logRetention: LOG_RETENTION,
      environment: {
        ...common,
        [ENV.apiDestinationRoleArn]: this.apiDestinationRole.roleArn,
        [ENV.dedicatedDlqArn]: queues.dedicatedDlq.queueArn,
        [ENV.dedicatedDlqUrl]: queues.dedicatedDlq.queueUrl,
      },
    });
    this.sync.addEventSource(
      new sources.DynamoEventSource(table.table, {
        // TRIM_HORIZON: an endpoint written before the mapping existed is still synced.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(queues.syncFailures),
        // Only endpoint items matter to sync. Filters OR together: NewImage for inserts and
        // updates, OldImage for removes (which carry no NewImage).
        filters: SYNC_STREAM_FILTERS,
      }),
    );
    table.grantItemReadWrite(this.sync); // marks endpoints that fell back to pooled
    // Connection credentials (`authSecret`): sync reads auth secrets only, never signing secrets.
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secrets.endpointAuthSecretsArn],
      }),
    );
    // Receiver secrets of dedicated endpoints, for their Connection (GetSecretValue only).
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secrets.endpointReceiverSecretsArn],
      }),
    );
    const prefix = `rowhook-${stage}-*`;
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'events:CreateConnection',
          'events:UpdateConnection',
          'events:DeleteConnection',
          'events:DescribeConnection',
        ],
        resources: [stack.formatArn({ service: 'events', resource: 'connection', resourceName: prefix })],
      }),
    );
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'events:CreateApiDestination',
          'events:UpdateApiDestination',
          'events:DeleteApiDestination',
          'events:DescribeApiDestination',
        ],
        resources: [
          stack.formatArn({ service: 'events', resource: 'api-destination', resourceName: prefix }),
        ],
      }),
    );
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [
          stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: `${bus.bus.eventBusName}/${prefix}`,
          }),
        ],
      }),
    );
    // EventBridge stores each connection's credentials in a secret it creates on the caller's behalf.
    // The sync code never calls Secrets Manager on these; EventBridge does, during Create/Update/
    // DeleteConnection (UpdateSecret when UpdateConnection changes the auth parameters).
    this.sync.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:UpdateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:DeleteSecret',
        ],
        resources: [secrets.connectionSecretsArn],
      }),
    );
    this.apiDestinationRole.grantPassRole(this.sync.grantPrincipal);

    // sweeper ---------------------------------------------------------------------------------
    // The sweeper runs the same drain as the relay in-process (functions/handlers/sweeper.ts), so it
    // holds the relay's grants; a separate function so its schedule and alarms are its own.
    this.sweeper = nodeFunction(this, 'Sweeper', {
      entry: entry('sweeper'),
      serviceName: 'rowhook-sweeper',
      description: 'Runs the relay drain every minute so a lost nudge only delays delivery, never loses it',
      timeout: Duration.seconds(60),
      memorySize: 512,
      logRetention: LOG_RETENTION,
      environment: { ...common, ...dataApi },
    });
    database.cluster.grantDataApiAccess(this.sweeper);
    table.grantItemRead(this.sweeper); // the relay's drain: endpoint lookups only
    bus.bus.grantPutEventsTo(this.sweeper);
    this.sweeper.addToRolePolicy(readEndpointSecrets);
    this.sweeperSchedule = scheduleFunction(
      this,
      { role: 'SweeperSchedulerRole', schedule: 'SweeperSchedule' },
      {
        fn: this.sweeper,
        name: `rowhook-${stage}-sweeper`,
        description: 'Rowhook safety net: runs the sweeper (the relay drain) every minute',
        roleDescription: 'EventBridge Scheduler invokes the Rowhook sweeper',
        expression: 'rate(1 minute)',
        source: 'rowhook.scheduler',
      },
    );
  }

  get all(): lambda.IFunction[] {
    return [this.relay, this.deliver, this.api, this.sync, this.sweeper];
  }
}
