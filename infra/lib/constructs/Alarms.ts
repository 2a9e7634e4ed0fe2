import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './nodeFunction.ts';

/**
 * EMF metric names the handlers publish (Powertools Metrics, namespace `Rowhook`, default dimension
 * `service` = POWERTOOLS_SERVICE_NAME). The alarms below read exactly these.
 */
export const METRICS = {
  /** deliver, Count, one per settled attempt (`Delivery_${settlement.kind}`, createDeliverHandler.ts). */
  delivered: { service: 'rowhook-deliver', name: 'Delivery_delivered' },
  retried: { service: 'rowhook-deliver', name: 'Delivery_retry' },
  dead: { service: 'rowhook-deliver', name: 'Delivery_dead' },
  /**
   * relay and sweeper, Milliseconds: age of the oldest outbox row a drain claimed (now - occurred_at),
   * emitted by createRelayHandler.ts only when a drain claimed something (missing data is not breaching).
   */
  relayLag: { service: 'rowhook-relay', name: 'RelayLagMs' },
  sweeperLag: { service: 'rowhook-sweeper', name: 'RelayLagMs' },
} as const;

export interface AlarmsProps {
  readonly stage: string;
  readonly deadLetterQueues: readonly sqs.IQueue[];
  readonly deliveryErrorRatePercent: number;
  readonly relayLagSeconds: number;
}

export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const metric = (m: { service: string; name: string }, statistic: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: m.name,
        dimensionsMap: { service: m.service },
        statistic,
        period: Duration.minutes(5),
      });

    props.deadLetterQueues.forEach((queue, index) => {
      this.alarms.push(
        new cloudwatch.Alarm(this, `DeadLetterDepth${index}`, {
          alarmName: `rowhook-${props.stage}-dlq-depth-${index}`,
          alarmDescription:
            'Messages are waiting in a Rowhook dead-letter queue: inspect, redrive or discard them',
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    const errorRate = new cloudwatch.MathExpression({
      label: 'Delivery error rate (%)',
      // A failed attempt is settled as retry (schedule continues) or dead (given up).
      expression: 'IF((ok + retry + dead) > 0, 100 * (retry + dead) / (ok + retry + dead), 0)',
      usingMetrics: {
        ok: metric(METRICS.delivered, 'Sum'),
        retry: metric(METRICS.retried, 'Sum'),
        dead: metric(METRICS.dead, 'Sum'),
      },
      period: Duration.minutes(5),
    });
    this.alarms.push(
      new cloudwatch.Alarm(this, 'DeliveryErrorRate', {
        alarmName: `rowhook-${props.stage}-delivery-error-rate`,
        alarmDescription: `More than ${props.deliveryErrorRatePercent}% of webhook attempts failed over 5 minutes`,
        metric: errorRate,
        threshold: props.deliveryErrorRatePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    this.alarms.push(
      new cloudwatch.Alarm(this, 'RelayLag', {
        alarmName: `rowhook-${props.stage}-relay-lag`,
        alarmDescription: `Committed outbox rows waited more than ${props.relayLagSeconds}s for the relay`,
        metric: new cloudwatch.MathExpression({
          label: 'Relay lag (ms)',
          expression: 'MAX([relay, sweeper])',
          usingMetrics: {
            relay: metric(METRICS.relayLag, 'Maximum'),
            sweeper: metric(METRICS.sweeperLag, 'Maximum'),
          },
          period: Duration.minutes(5),
        }),
        threshold: props.relayLagSeconds * 1000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
