import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EmfMetrics } from '../adapters/metrics/EmfMetrics.ts';
import { METRICS } from '../core/metrics/constants.ts';

/** What handlers need from a logger; Powertools' Logger satisfies it, and tests pass a fake. */
export type HandlerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What handlers need from metrics (CloudWatch EMF through Powertools). */
export interface HandlerMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

export { MetricUnit };

export const METRICS_NAMESPACE = 'Rowhook';

/**
 * Relay and sweeper, Seconds: age of the oldest outbox event a run claimed (now - occurredAt), the
 * AWS reading of the local gauge of the same name. infra/lib/constructs/Alarms.ts alarms on it
 * with dimension `service` = rowhook-relay and rowhook-sweeper (each handler's serviceName).
 */
export const RELAY_LAG_METRIC = METRICS.outboxLag;

/**
 * One logger and one metrics buffer per Lambda, created at cold start. The metrics object takes
 * the handler's own dimensionless metrics (addMetric) and the shared, dimensioned ones of the
 * Metrics port (core/metrics), and writes both as EMF on publishStoredMetrics.
 */
export function createObservability(serviceName: string): { logger: Logger; metrics: EmfMetrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new EmfMetrics(
      new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
      new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
    ),
  };
}

export function describeError(error: unknown): Record<string, string | boolean | undefined> {
  if (!(error instanceof Error)) return { error: String(error) };
  return {
    error: error.message,
    errorName: error.name,
    code: stringOrUndefined((error as { code?: unknown }).code),
    retryable: (error as { retryable?: unknown }).retryable === true,
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
