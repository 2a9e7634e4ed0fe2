import type { Context } from 'aws-lambda';
import { type RelayDependencies, type RelayOptions, relayOutbox } from '../pipeline/relayOutbox.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface RelayHandlerDependencies {
  relay: RelayDependencies;
  options: RelayOptions;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** Stop starting batches when less than this is left of the invocation. */
  reserveMs?: number;
}

export interface RelayHandlerResult {
  batches: number;
  claimed: number;
  enqueued: number;
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
  return async (
    _event: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<RelayHandlerResult> => {
    const total: RelayHandlerResult = { batches: 0, claimed: 0, enqueued: 0 };
    try {
      while (true) {
        const step = await relayOutbox(deps.relay, deps.options);
        total.batches++;
        total.claimed += step.claimed;
        total.enqueued += step.enqueued;
        if (step.claimed < deps.options.batchSize) break;
        if (context && context.getRemainingTimeInMillis() < reserveMs) {
          deps.logger.warn('stopping with events left; the sweeper or the next nudge continues', {
            ...total,
          });
          break;
        }
      }
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
      deps.metrics.publishStoredMetrics();
    }
  };
}
