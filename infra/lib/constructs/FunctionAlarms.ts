import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './nodeFunction.ts';

const PERIOD = Duration.minutes(5);

/** The relay handler's own failure counter (createRelayHandler.ts), written by relay and sweeper. */
export const RELAY_ERRORS_METRIC = 'RelayErrors';

export interface FunctionAlarmsProps {
  readonly stage: string;
  /** Alarm-name suffix → function; every function of Functions.ts (`relay`, `deliver`, ...). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

/**
 * Per function: Lambda `Errors` (the handler threw or timed out) and `Throttles` (an invocation was
 * refused for want of concurrency: for relay a nudge lost, since async retries are off). Plus
 * relay errors, the relay's own count of failed drains (relay and sweeper together).
 *
 * Errors alarm after errors in 2 of the last 3 five-minute periods: a lone failure (a Data API call
 * while Aurora resumes, a receiver's timeout spilling over) is retried by design, so only one that
 * keeps happening needs a person. A throttle alarms at once: it means the account's concurrency is
 * exhausted, which no retry fixes. Missing data is not breaching: an idle function writes no
 * datapoints (relay silence is the lag alarm's business, Alarms.ts).
 */
export class FunctionAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const name = (suffix: string) => `rowhook-${props.stage}-${suffix}`;

    for (const [key, fn] of Object.entries(props.functions)) {
      this.alarms.push(
        new cloudwatch.Alarm(this, `Lambda${key}Errors`, {
          alarmName: name(`lambda-${key}-errors`),
          alarmDescription: `The ${key} function failed (threw or timed out) in 2 of the last 3 five-minute periods: read its log group for the error`,
          metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `Lambda${key}Throttles`, {
          alarmName: name(`lambda-${key}-throttles`),
          alarmDescription: `Invocations of the ${key} function were throttled in the last 5 minutes: the account or function concurrency is exhausted`,
          metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const relayErrors = (service: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: RELAY_ERRORS_METRIC,
        dimensionsMap: { service },
        statistic: 'Sum',
        period: PERIOD,
      });
    this.alarms.push(
      new cloudwatch.Alarm(this, 'RelayDrainErrors', {
        alarmName: name('relay-drain-errors'),
        alarmDescription:
          'Relay drains (relay or sweeper) failed in 2 of the last 3 five-minute periods: outbox rows are not reaching the bus',
        metric: new cloudwatch.MathExpression({
          label: 'Relay errors',
          // Sparse counters: FILL so a period with only one of the two still evaluates.
          expression: 'FILL(relay, 0) + FILL(sweeper, 0)',
          usingMetrics: { relay: relayErrors('rowhook-relay'), sweeper: relayErrors('rowhook-sweeper') },
          period: PERIOD,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
