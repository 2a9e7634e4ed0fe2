import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The SQS maximum (1 MiB), on every queue. */
export const MAX_MESSAGE_SIZE_BYTES = 1_048_576;

export const ORDERED_QUEUE = {
  /**
   * Receives before SQS itself moves an ordered message to its dead-letter queue. Rowhook
   * dead-letters exhausted deliveries itself; this only catches a message whose handling keeps
   * throwing. High because a message waiting behind its group's failing head is received (and
   * handed back unattempted) with it on every retry of the head.
   */
  maxReceiveCount: 50,
} as const;

export interface DeliveryQueuesProps {
  readonly stage: string;
  /** The deliver function's timeout; the visibility timeout is six times it (AWS guidance). */
  readonly deliverTimeout: Duration;
}

/**
 * - `deliveryQueue`: pooled deliveries (and retries re-enqueued with DelaySeconds) for `deliver`.
 * - `dedicatedDlq`: where API destination rules drop events EventBridge gave up on; `deliver`
 *   consumes it too, re-signs and continues the retry schedule.
 * - `deadLetterQueue`: terminal; messages `deliver` could not even process after 5 receives, and
 *   bus-to-queue failures. Operators list/redrive it.
 * - `syncFailures`: stream records the sync function could not apply.
 * All SQS-managed SSE, TLS enforced, 1 MiB maximum message size: a body of up to 256 KiB grows
 * when JSON-escaped inside the EventBridge `detail` (and in the deliver/redrive re-sends), so the
 * 256 KiB SQS default would reject the largest deliveries.
 */
export class DeliveryQueues extends Construct {
  readonly deliveryQueue: sqs.Queue;
  readonly dedicatedDlq: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly syncFailures: sqs.Queue;
  /** Per-key endpoints' deliveries, grouped by endpoint and key (see ORDERED_QUEUE). */
  readonly orderedQueue: sqs.Queue;
  /** The ordered queue's own dead-letter queue (a FIFO queue's must be FIFO too). */
  readonly orderedDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeliveryQueuesProps) {
    super(scope, id);
    const visibilityTimeout = Duration.seconds(props.deliverTimeout.toSeconds() * 6);
    const common = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    } as const;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      queueName: `rowhook-${props.stage}-dead-letters`,
      retentionPeriod: Duration.days(14),
    });
    const redrive = { queue: this.deadLetterQueue, maxReceiveCount: 5 };
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      ...common,
      queueName: `rowhook-${props.stage}-deliveries`,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: redrive,
    });
    this.dedicatedDlq = new sqs.Queue(this, 'DedicatedDeadLetterQueue', {
      ...common,
      queueName: `rowhook-${props.stage}-dedicated-retries`,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: redrive,
    });
    this.orderedDeadLetterQueue = new sqs.Queue(this, 'OrderedDeadLetterQueue', {
      ...common,
      queueName: `rowhook-${props.stage}-ordered-dead-letters.fifo`,
      fifo: true,
      retentionPeriod: Duration.days(14),
    });
    this.orderedQueue = new sqs.Queue(this, 'OrderedQueue', {
      ...common,
      queueName: `rowhook-${props.stage}-ordered.fifo`,
      fifo: true,
      // The relay sets the deduplication id (the delivery's id); the body may repeat across events.
      contentBasedDeduplication: false,
      // High-throughput FIFO: quotas per message group, which per-key ordering has many of.
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout,
      // A message may wait behind its group's failing head for the whole retry schedule (~33 h).
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.orderedDeadLetterQueue, maxReceiveCount: ORDERED_QUEUE.maxReceiveCount },
    });
    this.syncFailures = new sqs.Queue(this, 'SyncFailures', {
      ...common,
      queueName: `rowhook-${props.stage}-sync-failures`,
      retentionPeriod: Duration.days(14),
    });

    // API destination rules are created at runtime by the sync function, named
    // rowhook-<stage>-<endpoint id>; only those rules on this stage's bus may dead-letter here.
    const stack = Stack.of(this);
    this.dedicatedDlq.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ApiDestinationRulesDeadLetter',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.dedicatedDlq.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: `rowhook-${props.stage}/rowhook-${props.stage}-*`,
            }),
          },
        },
      }),
    );
  }
}
