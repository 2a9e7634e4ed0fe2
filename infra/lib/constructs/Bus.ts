import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_EVENT, TRANSPORTS } from '../../../functions/adapters/aws/DeliveryMessage.ts';

export interface BusProps {
  readonly stage: string;
  readonly replayWindowDays: number;
}

/**
 * The custom bus `rowhook-<stage>` every delivery passes through, with an archive so operators can
 * replay a window of deliveries (for example after fixing a receiver).
 */
export class Bus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: BusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `rowhook-${props.stage}`,
      description: 'Rowhook deliveries: one entry per (event, endpoint), routed by detail.transport',
    });
    this.archive = this.bus.archive('Archive', {
      archiveName: `rowhook-${props.stage}`,
      description: 'Replay window for Rowhook deliveries',
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(props.replayWindowDays),
    });
  }

  /** Pooled deliveries (`detail.transport = pooled`) go to the SQS delivery queue; bus-to-queue failures to `deadLetterQueue`. */
  routePooled(queue: sqs.IQueue, deadLetterQueue: sqs.IQueue): events.Rule {
    return new events.Rule(this, 'PooledRule', {
      eventBus: this.bus,
      description: 'Rowhook pooled deliveries to the SQS delivery queue',
      // Not rowhook-<stage>-*: that prefix belongs to the sync function's per-endpoint rules.
      ruleName: 'pooled-deliveries',
      eventPattern: {
        source: [DELIVERY_EVENT.source],
        detailType: [DELIVERY_EVENT.detailType],
        detail: { transport: [TRANSPORTS.pooled] },
      },
      targets: [
        new targets.SqsQueue(queue, {
          // The message body is the DeliveryMessage itself, the same shape the deliver function's
          // retries and re-delays put on the queue.
          message: events.RuleTargetInput.fromEventPath('$.detail'),
          deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
