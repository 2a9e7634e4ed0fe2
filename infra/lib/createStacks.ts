import { type App, Aspects, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { RowhookConfig } from './config.ts';
import { Alarms } from './constructs/Alarms.ts';
import { AlarmTopic } from './constructs/AlarmTopic.ts';
import { Api } from './constructs/Api.ts';
import { Bus } from './constructs/Bus.ts';
import { Canary } from './constructs/Canary.ts';
import { Database } from './constructs/Database.ts';
import { DeliveryQueues } from './constructs/DeliveryQueues.ts';
import { FunctionAlarms } from './constructs/FunctionAlarms.ts';
import { DELIVER_TIMEOUT, Functions } from './constructs/Functions.ts';
import { NotifyOnEveryAlarm } from './constructs/notifyOnEveryAlarm.ts';
import { OperatorEndpoint } from './constructs/OperatorEndpoint.ts';
import { OrderedDelivery } from './constructs/OrderedDelivery.ts';
import { RecoverJobs } from './constructs/RecoverJobs.ts';
import { RetentionPurge } from './constructs/RetentionPurge.ts';
import { Secrets } from './constructs/Secrets.ts';
import { SubscriptionsTable } from './constructs/SubscriptionsTable.ts';
import { acknowledgeNagFindings } from './nagSuppressions.ts';

export interface CreateStacksOptions {
  /** Where the handler entry points live; default functions/handlers. */
  readonly handlersDir?: string;
  /** Where the numbered migrations live; default sql/migrations. */
  readonly migrationsDir?: string;
}

export interface RowhookStacks {
  readonly stack: RowhookStack;
}

/** The one entry point for `infra/bin/app.ts` and the tests. */
export function createStacks(
  app: App,
  config: RowhookConfig,
  options: CreateStacksOptions = {},
): RowhookStacks {
  const env =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const stack = new RowhookStack(app, `Rowhook-${config.stage}`, {
    config,
    options,
    ...(env ? { env } : {}),
    description: `Rowhook (${config.stage}): PostgreSQL row changes to signed webhooks`,
  });
  return { stack };
}

interface RowhookStackProps extends StackProps {
  readonly config: RowhookConfig;
  readonly options: CreateStacksOptions;
}

export class RowhookStack extends Stack {
  readonly config: RowhookConfig;
  readonly database: Database;
  readonly bus: Bus;
  readonly queues: DeliveryQueues;
  readonly table: SubscriptionsTable;
  readonly secrets: Secrets;
  readonly functions: Functions;
  readonly orderedDelivery: OrderedDelivery;
  readonly retentionPurge: RetentionPurge;
  readonly recoverJobs: RecoverJobs;
  readonly api: Api;
  readonly alarms: Alarms;
  readonly functionAlarms: FunctionAlarms;
  readonly alarmTopic: AlarmTopic;
  /** Present when rowhook:operatorWebhookUrl is set. */
  readonly operatorEndpoint: OperatorEndpoint | undefined;
  /** Present when rowhook:canary is true. */
  readonly canary: Canary | undefined;

  constructor(scope: App, id: string, props: RowhookStackProps) {
    super(scope, id, props);
    const { config, options } = props;
    this.config = config;
    const { stage } = config;
    Tags.of(this).add('rowhook:stage', stage);

    this.database = new Database(this, 'Database', {
      stage,
      minAcu: config.auroraMinAcu,
      maxAcu: config.auroraMaxAcu,
      deletionProtection: config.deletionProtection,
      readerInstance: config.readerInstance,
      nudgeIntervalMs: config.nudgeIntervalMs,
      ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
    });
    this.bus = new Bus(this, 'Bus', { stage, replayWindowDays: config.replayWindowDays });
    this.queues = new DeliveryQueues(this, 'Queues', { stage, deliverTimeout: DELIVER_TIMEOUT });
    this.table = new SubscriptionsTable(this, 'Subscriptions', {
      stage,
      deletionProtection: config.deletionProtection,
    });
    this.secrets = new Secrets(this, 'Secrets', { stage });
    this.bus.routePooled(this.queues.deliveryQueue, this.queues.deadLetterQueue);

    this.functions = new Functions(this, 'Functions', {
      stage,
      database: this.database,
      bus: this.bus,
      queues: this.queues,
      table: this.table,
      secrets: this.secrets,
      deliverMaxConcurrency: config.deliverMaxConcurrency,
      attemptRetentionDays: config.attemptRetentionDays,
      relayReservedConcurrency: config.relayReservedConcurrency,
      operatorWebhook: config.operatorWebhookUrl !== undefined,
      dedicatedDelivery: config.dedicatedDelivery,
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
    });
    this.database.addMigrations(this.functions.relay, RetentionDays.ONE_MONTH);
    this.orderedDelivery = new OrderedDelivery(this, 'OrderedDelivery', {
      stage,
      queues: this.queues,
      table: this.table,
      secrets: this.secrets,
      bus: this.bus,
      senders: [this.functions.relay, this.functions.sweeper],
      maxConcurrency: config.deliverMaxConcurrency,
      attemptRetentionDays: config.attemptRetentionDays,
      operatorWebhook: config.operatorWebhookUrl !== undefined,
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
    });
    this.retentionPurge = new RetentionPurge(this, 'RetentionPurge', {
      stage,
      database: this.database,
      retentionDays: config.attemptRetentionDays,
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
    });
    this.recoverJobs = new RecoverJobs(this, 'RecoverJobs', {
      stage,
      database: this.database,
      table: this.table.table,
      deliveryQueue: this.queues.deliveryQueue,
      ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
    });
    this.operatorEndpoint =
      config.operatorWebhookUrl === undefined
        ? undefined
        : new OperatorEndpoint(this, 'OperatorEndpoint', {
            stage,
            url: config.operatorWebhookUrl,
            table: this.table,
            secrets: this.secrets,
            logRetention: RetentionDays.ONE_MONTH,
            ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
          });

    this.api = new Api(this, 'Api', {
      stage,
      handler: this.functions.api,
      throttleRate: config.apiThrottleRate,
      throttleBurst: config.apiThrottleBurst,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      stage,
      deadLetterQueues: [
        this.queues.deadLetterQueue,
        this.queues.syncFailures,
        this.queues.orderedDeadLetterQueue,
      ],
      deliveryErrorRatePercent: config.alarmDeliveryErrorRatePercent,
      relayLagSeconds: config.alarmRelayLagSeconds,
      workQueues: {
        deliveries: this.queues.deliveryQueue,
        'dedicated-retries': this.queues.dedicatedDlq,
        ordered: this.queues.orderedQueue,
      },
      queueAgeSeconds: config.alarmQueueAgeSeconds,
    });
    const { relay, deliver, api, sync, sweeper } = this.functions;
    this.functionAlarms = new FunctionAlarms(this, 'FunctionAlarms', {
      stage,
      functions: {
        relay,
        deliver,
        api,
        sync,
        sweeper,
        'deliver-ordered': this.orderedDelivery.deliver,
        recover: this.recoverJobs.fn,
      },
    });
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { stage, email: config.alarmEmail });
    Aspects.of(this).add(new NotifyOnEveryAlarm(this.alarmTopic.topic));

    this.canary = config.canary
      ? new Canary(this, 'Canary', {
          stage,
          apiUrl: this.api.url,
          database: this.database,
          secrets: this.secrets,
          logRetention: RetentionDays.ONE_MONTH,
          ...(options.handlersDir ? { handlersDir: options.handlersDir } : {}),
        })
      : undefined;

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Rowhook HTTP API base URL' });
    new CfnOutput(this, 'BusName', { value: this.bus.bus.eventBusName, description: 'Rowhook event bus' });
    new CfnOutput(this, 'DatabaseClusterArn', { value: this.database.cluster.clusterArn });
    new CfnOutput(this, 'DataApiSecretArn', { value: this.database.dataApiSecretArn });
    new CfnOutput(this, 'AdminTokenSecretArn', { value: this.secrets.adminToken.secretArn });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topic.topicArn,
      description: 'Every alarm notifies this SNS topic (ALARM and OK): subscribe chat or paging to it',
    });
    new CfnOutput(this, 'DatabaseName', { value: this.database.databaseName });
    if (this.canary) {
      new CfnOutput(this, 'CanaryReceiverUrl', { value: this.canary.receiverUrl.url });
      new CfnOutput(this, 'CanaryTableName', { value: this.canary.table.tableName });
    }
    if (this.operatorEndpoint) {
      new CfnOutput(this, 'OperatorWebhookSecretName', {
        value: this.operatorEndpoint.secretName,
        description:
          'Secrets Manager name of the operator webhook signing secret (secrets[0].secret in its JSON)',
      });
    }

    acknowledgeNagFindings(this);
  }
}
