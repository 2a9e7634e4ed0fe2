import path from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { OPERATOR_WEBHOOK_ENABLED } from '../../../functions/handlers/config.ts';
import { ENV } from '../environment.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Bus } from './Bus.ts';
import type { DeliveryQueues } from './DeliveryQueues.ts';
import { DELIVER_TIMEOUT } from './Functions.ts';
import { nodeFunction } from './nodeFunction.ts';
import type { Secrets } from './Secrets.ts';
import type { SubscriptionsTable } from './SubscriptionsTable.ts';

export interface OrderedDeliveryProps {
  readonly stage: string;
  readonly queues: DeliveryQueues;
  readonly table: SubscriptionsTable;
  readonly secrets: Secrets;
  readonly bus: Bus;
  /** The functions that run the relay drain (relay, sweeper): they send to the FIFO queue. */
  readonly senders: readonly lambda.Function[];
  readonly maxConcurrency: number;
  readonly attemptRetentionDays: number;
  readonly operatorWebhook?: boolean;
  readonly handlersDir?: string;
}

/**
 * Delivery for per-key endpoints (docs/deploy.md, "Ordering per key on AWS"): the relay sends their
 * deliveries to the FIFO queue (message group = endpoint and key), and `deliver-ordered` reads it
 * group by group. ReportBatchItemFailures is what lets it hand back a failed message with the rest
 * of its group; it keeps a retry waiting with ChangeMessageVisibility (part of the consume grant).
 * No batching window: Lambda does not allow one on FIFO queues.
 */
export class OrderedDelivery extends Construct {
  readonly deliver: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: OrderedDeliveryProps) {
    super(scope, id);
    const { queues, table, secrets } = props;
    const handlersDir = props.handlersDir ?? path.join(REPO_ROOT, 'functions', 'handlers');
    this.deliver = nodeFunction(this, 'DeliverOrdered', {
      entry: path.join(handlersDir, 'deliverOrdered.ts'),
      // The deliver service's metrics (outcomes, latency) and alarms cover ordered deliveries too.
      serviceName: 'rowhook-deliver',
      description:
        'Per-key endpoints: one attempt per FIFO message; a failure holds its group until its retry or dead letter',
      timeout: DELIVER_TIMEOUT,
      memorySize: 512,
      logRetention: logs.RetentionDays.ONE_MONTH,
      environment: {
        [ENV.stage]: props.stage,
        [ENV.tableName]: table.table.tableName,
        [ENV.eventBusName]: props.bus.bus.eventBusName,
        [ENV.orderedQueueUrl]: queues.orderedQueue.queueUrl,
        // The settler's queues: only the dead-letter queue is sent to (retries stay in the FIFO queue).
        [ENV.deliveryQueueUrl]: queues.deliveryQueue.queueUrl,
        [ENV.deadLetterQueueUrl]: queues.deadLetterQueue.queueUrl,
        [ENV.attemptRetentionDays]: String(props.attemptRetentionDays),
        ...(props.operatorWebhook ? { [ENV.operatorWebhook]: OPERATOR_WEBHOOK_ENABLED } : {}),
      },
    });
    this.deliver.addEventSource(
      new sources.SqsEventSource(queues.orderedQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency,
      }),
    );
    queues.deadLetterQueue.grantSendMessages(this.deliver); // exhausted and malformed deliveries
    table.grantItemReadWrite(this.deliver); // attempt log (also counts attempts), failed records
    this.deliver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secrets.endpointSecretsArn],
      }),
    );
    this.deliver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secrets.endpointReceiverSecretsArn],
      }),
    );
    if (props.operatorWebhook) props.bus.bus.grantPutEventsTo(this.deliver);

    for (const sender of props.senders) {
      sender.addEnvironment(ENV.orderedQueueUrl, queues.orderedQueue.queueUrl);
      queues.orderedQueue.grantSendMessages(sender);
    }
  }
}
