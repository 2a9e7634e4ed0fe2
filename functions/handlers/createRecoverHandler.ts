import type { Context } from 'aws-lambda';
import type { RecoveryJobs } from '../ports/Recoveries.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface RecoverHandlerDependencies {
  jobs: RecoveryJobs;
  /** Events read per batch (each batch one Data API transaction, its sends, then its position). */
  batchSize: number;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /** Stop starting batches when less than this is left of the invocation; the next run goes on. */
  reserveMs?: number;
}

/** EMF metric: events the scheduled recover runs sent to the delivery queue again. */
export const RECOVERED_METRIC = 'RecoveryEventsSent';

export interface RecoverRunTotals {
  batches: number;
  sent: number;
  jobsFinished: number;
}

/**
 * The scheduled side of recover on AWS: batches of running jobs, oldest job first, until none is
 * left or time runs low. A failed batch throws (its job keeps its position; the next scheduled run
 * sends that batch again under the same webhook-ids).
 */
export function createRecoverHandler(deps: RecoverHandlerDependencies) {
  const reserveMs = deps.reserveMs ?? 15_000;
  return async (
    _event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<RecoverRunTotals> => {
    const totals: RecoverRunTotals = { batches: 0, sent: 0, jobsFinished: 0 };
    try {
      while (context.getRemainingTimeInMillis() >= reserveMs) {
        const batch = await deps.jobs.runBatch(deps.batchSize);
        if (!batch) break;
        totals.batches++;
        totals.sent += batch.queued;
        if (batch.finished) totals.jobsFinished++;
      }
      if (totals.batches > 0) deps.logger.info('recover batches sent', { ...totals });
      return totals;
    } catch (error) {
      deps.logger.error('recover batch failed', { ...totals, error: describeError(error) });
      throw error;
    } finally {
      deps.metrics.addMetric(RECOVERED_METRIC, MetricUnit.Count, totals.sent);
      deps.metrics.publishStoredMetrics();
    }
  };
}
