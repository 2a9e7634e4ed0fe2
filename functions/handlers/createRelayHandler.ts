import type { Context } from 'aws-lambda';
import { type RelayDependencies, type RelayOptions, relayOutbox } from '../pipeline/relayOutbox.ts';
import {
  describeError,
  type HandlerLogger,
  type HandlerMetrics,
  MetricUnit,
  RELAY_LAG_METRIC,
} from './observability.ts';

export interface RelayHandlerDependencies {
  relay: RelayDependencies;
  options: RelayOptions;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** Stop starting batches when less than this is left of the invocation. */
  reserveMs?: number;
  now?: () => Date;
}

export interface RelayHandlerResult {
  batches: number;
  claimed: number;
  enqueued: number;
  /** Events marked with a publish error (too large for the transport) instead of delivered. */
  rejected: number;
  /**
   * Age of the oldest event this run claimed when its step finished; 0 when a complete run found
   * nothing waiting; null when a failed run claimed nothing (it has no age to report).
   */
  lagMs: number | null;
}

const DEFAULT_RESERVE_MS = 10_000;

/**
 * Drains the outbox: runs relay steps until a batch comes back short (nothing more is waiting) or
 * time runs low. Invoked asynchronously by the capture trigger (aws_lambda.invoke 'Event', payload
 * ignored: it is only a nudge) and by the sweeper schedule; concurrent runs are safe because claims
 * skip locked rows.
 */
export function createRelayHandler(deps: RelayHandlerDependencies) {
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const now = deps.now ?? (() => new Date());
  return async (
    _event: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<RelayHandlerResult> => {
    const total: RelayHandlerResult = { batches: 0, claimed: 0, enqueued: 0, rejected: 0, lagMs: null };
    try {
      while (true) {
        const step = await relayOutbox(deps.relay, deps.options);
        total.batches++;
        total.claimed += step.claimed;
        total.enqueued += step.enqueued;
        total.rejected += step.rejected.length;
        for (const r of step.rejected) deps.logger.error('event not delivered', { ...r });
        if (step.oldestOccurredAt) {
          // Clamped: occurredAt comes from the database clock, which may run slightly ahead.
          const lag = Math.max(0, now().getTime() - step.oldestOccurredAt.getTime());
          total.lagMs = Math.max(total.lagMs ?? 0, lag);
        }
        if (step.claimed < deps.options.batchSize) break;
        if (context && context.getRemainingTimeInMillis() < reserveMs) {
          deps.logger.warn('stopping with events left; the sweeper or the next nudge continues', {
            ...total,
          });
          break;
        }
      }
      // Nothing waits when a complete run claimed nothing: lag 0, reported like any other (below).
      total.lagMs ??= 0;
      if (total.claimed > 0) deps.logger.info('relayed', { ...total });
      return total;
    } catch (error) {
      // Whatever was claimed by the failed step stays unpublished and is retried by the next run.
      deps.metrics.addMetric('RelayErrors', MetricUnit.Count, 1);
      deps.logger.error('relay step failed', { ...total, ...describeError(error) });
      throw error;
    } finally {
      deps.metrics.addMetric('EventsRelayed', MetricUnit.Count, total.claimed);
      deps.metrics.addMetric('DeliveriesPublished', MetricUnit.Count, total.enqueued);
      deps.metrics.addMetric('EventsRejected', MetricUnit.Count, total.rejected);
      // Every run that completed reports a lag, 0 when the outbox was empty, so the sweeper's
      // once-a-minute runs keep the series going while idle and the lag alarm can treat missing
      // data as breaching: no datapoint means no drain has completed (relay and sweeper failing
      // outright, not invoked, or throttled). A failed run reports only what its finished steps
      // claimed.
      if (total.lagMs !== null)
        deps.metrics.addMetric(RELAY_LAG_METRIC.name, MetricUnit.Seconds, total.lagMs / 1000);
      deps.metrics.publishStoredMetrics();
    }
  };
}
