import type { Logger } from '@aws-lambda-powertools/logger';
import { SMOKE_EXIT } from '../smoke/constants.ts';
import { exitCodeOf, type SmokeReport } from '../smoke/decideSmoke.ts';
import { SmokeError } from '../smoke/errors.ts';
import { runSmoke, type SmokeDependencies } from '../smoke/runSmoke.ts';

export interface CanaryCheckDependencies {
  /** Built per run: reading the admin token each time picks up a rotated one. */
  readonly dependencies: () => Promise<SmokeDependencies>;
  readonly stack: string;
  readonly receiverUrl: string;
  readonly newRunId: () => string;
  readonly logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * The scheduled canary: the same run as `npm run smoke`. A failed check throws, so the function's
 * Errors metric (alarmed in infra/lib/constructs/Canary.ts) counts it; the report is logged either way.
 */
export function createCanaryCheckHandler(deps: CanaryCheckDependencies) {
  return async (): Promise<SmokeReport> => {
    const report = await runSmoke(await deps.dependencies(), {
      stack: deps.stack,
      runId: deps.newRunId(),
      receiverUrl: deps.receiverUrl,
    });
    if (exitCodeOf(report) === SMOKE_EXIT.verified) {
      deps.logger.info('canary verified', { report });
      return report;
    }
    deps.logger.error('canary failed', { report });
    const failed = report.results.filter((r) => !r.verified).map((r) => `${r.path}: ${r.problem}`);
    throw new SmokeError(
      'canary_failed',
      `canary run ${report.runId} failed: ${[...failed, ...(report.error ? [report.error] : []), ...report.cleanupErrors].join('; ')}`,
      { retryable: true },
    );
  };
}
