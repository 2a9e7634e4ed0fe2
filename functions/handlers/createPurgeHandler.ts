import type { Context } from 'aws-lambda';
import { type PurgeTotals, purgeExpired } from '../pipeline/purgeExpired.ts';
import type { RetentionStore } from '../ports/RetentionStore.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface PurgeHandlerDependencies {
  store: RetentionStore;
  retentionMs: number;
  batchSize: number;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** Stop starting batches when less than this is left of the invocation; the next run goes on. */
  reserveMs?: number;
  now?: () => Date;
}

/** EMF metric: rows the scheduled purge removed per run (outbox events). */
export const PURGED_METRIC = 'RetentionPurgedEvents';

/**
 * The scheduled retention purge: one pass of the same batches as the local runtime, until done or
 * until time runs low (the next scheduled run starts the walk again, from the oldest rows).
 */
export function createPurgeHandler(deps: PurgeHandlerDependencies) {
  const reserveMs = deps.reserveMs ?? 10_000;
  return async (
    _event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<PurgeTotals> => {
    const now = deps.now?.() ?? new Date();
    try {
      const totals = await purgeExpired(deps.store, {
        before: new Date(now.getTime() - deps.retentionMs),
        batchSize: deps.batchSize,
        shouldStop: () => context.getRemainingTimeInMillis() < reserveMs,
      });
      deps.logger.info('retention purge', { ...totals });
      deps.metrics.addMetric(PURGED_METRIC, MetricUnit.Count, totals.events);
      return totals;
    } catch (error) {
      deps.logger.error('retention purge failed', { error: describeError(error) });
      throw error;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
