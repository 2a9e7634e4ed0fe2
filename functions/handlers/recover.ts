import type { Context } from 'aws-lambda';
import { createRecoverHandler } from './createRecoverHandler.ts';
import { createObservability } from './observability.ts';
import { lazy } from './wiring/lazy.ts';
import { recoveries } from './wiring/recoveries.ts';

const { logger, metrics } = createObservability('rowhook-recover');

const wired = lazy(() => createRecoverHandler({ jobs: recoveries(), batchSize: 500, logger, metrics }));

/** Runs on an EventBridge Scheduler rate (infra/lib/constructs/RecoverJobs.ts). */
export const handler = (event: unknown, context: Context) => wired()(event, context);
