import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

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
 * Relay and sweeper, Milliseconds: age of the oldest outbox event a run claimed (now - occurredAt).
 * infra/lib/constructs/Alarms.ts alarms on this name with dimension `service` = rowhook-relay and
 * rowhook-sweeper (the serviceName given to createObservability by each handler's wiring).
 */
export const RELAY_LAG_METRIC = 'RelayLagMs';

/** One logger and one metrics buffer per Lambda, created at cold start. */
export function createObservability(serviceName: string): { logger: Logger; metrics: Metrics } {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
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
