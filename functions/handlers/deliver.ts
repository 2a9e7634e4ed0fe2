import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV, loadEnv, retrySchedule, url } from './config.ts';
import { createDeliverHandler, sqsRejectedMessageSink } from './createDeliverHandler.ts';
import { createObservability } from './observability.ts';
import { sqsClient } from './wiring/deadLetters.ts';
import { deliveryLog } from './wiring/deliveryLog.ts';
import { lazy } from './wiring/lazy.ts';
import { secretStore } from './wiring/secrets.ts';
import { sender } from './wiring/sender.ts';
import { deliverySettler, loggingRecorder } from './wiring/settler.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';

export { createDeliverHandler };

const { logger, metrics } = createObservability('rowhook-deliver');

const wired = lazy(() => {
  const env = loadEnv({ [ENV.retrySchedule]: retrySchedule, [ENV.deadLetterQueueUrl]: url });
  return createDeliverHandler({
    subscriptions: subscriptionStore(),
    secrets: secretStore(),
    log: deliveryLog(),
    settler: deliverySettler()(loggingRecorder(logger)),
    // Unparseable messages go straight to the dead-letter queue instead of five useless receives.
    rejectMessage: sqsRejectedMessageSink(sqsClient(), env[ENV.deadLetterQueueUrl]),
    sender: sender(),
    schedule: env[ENV.retrySchedule],
    now: () => new Date(),
    random: Math.random,
    logger,
    metrics,
  });
});

/** SQS (delivery queue, dedicated DLQ) → signed attempts; ReportBatchItemFailures on the mapping. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => wired()(event);
