import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DELIVERY_OUTCOME, METRICS as SHARED_METRICS } from '../../../functions/core/metrics/constants.ts';
import { METRICS_NAMESPACE } from './nodeFunction.ts';

interface AlarmMetric {
  service: string;
  name: string;
  dimensions?: Record<string, string>;
}

/**
 * EMF metrics the handlers publish (Powertools Metrics, namespace `Rowhook`, default dimension
 * `service` = POWERTOOLS_SERVICE_NAME), named in functions/core/metrics/constants.ts like the local
 * /metrics. The alarms below read exactly these.
 */
export const METRICS = {
  /**
   * deliver, Count, summed per invocation and outcome: `rowhook_deliveries_total` with dimension
   * `outcome` (the settlement kind; meterSettlements, wired in functions/handlers/deliver.ts).
   */
  delivered: deliveries(DELIVERY_OUTCOME.delivered),
  retried: deliveries(DELIVERY_OUTCOME.retry),
  dead: deliveries(DELIVERY_OUTCOME.dead),
  /**
   * relay and sweeper, Seconds: age of the oldest outbox row a drain claimed (now - occurred_at),
   * emitted by createRelayHandler.ts for every drain that completed, 0 when the outbox was empty;
   * the sweeper drains every minute, so missing data means no drain completed.
   */
  relayLag: { service: 'rowhook-relay', name: SHARED_METRICS.outboxLag.name },
  sweeperLag: { service: 'rowhook-sweeper', name: SHARED_METRICS.outboxLag.name },
} as const satisfies Record<string, AlarmMetric>;

function deliveries(outcome: string): AlarmMetric {
  return { service: 'rowhook-deliver', name: SHARED_METRICS.deliveries.name, dimensions: { outcome } };
}

/** Delivery error rate (%) over `ok`, `retry` and `dead` (the Sum of each deliver counter). */
export const DELIVERY_ERROR_RATE_EXPRESSION =
  'IF((FILL(ok, 0) + FILL(retry, 0) + FILL(dead, 0)) > 0, ' +
  '100 * (FILL(retry, 0) + FILL(dead, 0)) / (FILL(ok, 0) + FILL(retry, 0) + FILL(dead, 0)), 0)';

/**
 * Messages that reached a dead-letter queue in one period: those sent to it, plus 1 if its visible
 * backlog grew (SQS redrives are not counted as sent). Gaps in either metric count as 0.
 */
export const DEAD_LETTER_ARRIVALS_EXPRESSION =
  'FILL(sent, 0) + FILL(IF(DIFF(FILL(visible, 0)) > 0, 1, 0), 0)';

export interface AlarmsProps {
  readonly stage: string;
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** Alarm-name suffix → a queue `deliver` consumes (the delivery queue, the dedicated retries). */
  readonly workQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly queueAgeSeconds: number;
  readonly deliveryErrorRatePercent: number;
  readonly relayLagSeconds: number;
}

export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const metric = (m: AlarmMetric, statistic: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: m.name,
        dimensionsMap: { service: m.service, ...m.dimensions },
        statistic,
        period: Duration.minutes(5),
      });

    // A depth alarm (visible > 0) on a queue nobody consumes would stay in ALARM until an operator
    // empties it, hiding every later arrival. Alarm on arrivals instead: SendMessage into the queue
    // (deliver, EventBridge target failures, the sync stream's on-failure destination) counts in
    // NumberOfMessagesSent; an SQS redrive after maxReceiveCount does not, so a rise of the visible
    // backlog between periods also counts as an arrival.
    props.deadLetterQueues.forEach((queue, index) => {
      this.alarms.push(
        new cloudwatch.Alarm(this, `DeadLetterArrivals${index}`, {
          alarmName: `rowhook-${props.stage}-dlq-arrivals-${index}`,
          alarmDescription:
            'Messages arrived in a Rowhook dead-letter queue in the last 5 minutes: inspect, redrive or discard them',
          metric: new cloudwatch.MathExpression({
            label: 'Dead-letter arrivals',
            expression: DEAD_LETTER_ARRIVALS_EXPRESSION,
            usingMetrics: {
              sent: queue.metricNumberOfMessagesSent({ period: Duration.minutes(5), statistic: 'Sum' }),
              visible: queue.metricApproximateNumberOfMessagesVisible({
                period: Duration.minutes(5),
                statistic: 'Maximum',
              }),
            },
            period: Duration.minutes(5),
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        // Arrivals alone go quiet once nothing new comes in, and a dead letter nobody handles
        // expires unseen after 14 days. The depth alarm stays in ALARM while the queue holds
        // anything: its ALARM notification says "needs a person", its OK one "handled".
        new cloudwatch.Alarm(this, `DeadLetterDepth${index}`, {
          alarmName: `rowhook-${props.stage}-dlq-depth-${index}`,
          alarmDescription:
            'A Rowhook dead-letter queue holds messages: inspect, redrive or discard them (OK again once it is empty)',
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    // A message older than any healthy one (a retry's delay plus a few receives) means deliver is
    // not keeping up or not consuming at all (mapping disabled, every invocation failing).
    for (const [key, queue] of Object.entries(props.workQueues)) {
      this.alarms.push(
        new cloudwatch.Alarm(this, `QueueAge${key}`, {
          alarmName: `rowhook-${props.stage}-queue-age-${key}`,
          alarmDescription: `The oldest message of the ${key} queue is older than ${props.queueAgeSeconds}s: deliver is behind or not consuming`,
          metric: queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: props.queueAgeSeconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const errorRate = new cloudwatch.MathExpression({
      label: 'Delivery error rate (%)',
      // A failed attempt is settled as retry (schedule continues) or dead (given up). The counters
      // are sparse (no datapoint in a period without that outcome); FILL turns gaps into 0 so the
      // expression still yields a datapoint when only some of them were published.
      expression: DELIVERY_ERROR_RATE_EXPRESSION,
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
        alarmDescription: `Committed outbox rows waited more than ${props.relayLagSeconds}s for the relay, or no relay/sweeper drain completed for 10 minutes`,
        metric: new cloudwatch.MathExpression({
          label: 'Relay lag (s)',
          expression: 'MAX([relay, sweeper])',
          usingMetrics: {
            relay: metric(METRICS.relayLag, 'Maximum'),
            sweeper: metric(METRICS.sweeperLag, 'Maximum'),
          },
          period: Duration.minutes(5),
        }),
        threshold: props.relayLagSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        // Every completed drain writes a lag (0 when idle) and the sweeper drains every minute, so
        // no datapoint means relay and sweeper both fail outright, or are not invoked at all.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
  }
}
