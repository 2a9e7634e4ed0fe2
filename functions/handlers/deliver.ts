import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsRejectedMessageSink } from '../adapters/aws/sqsRejectedMessageSink.ts';
import { meterAttempts } from '../adapters/metrics/meterAttempts.ts';
import { meterSettlements } from '../adapters/metrics/meterSettlements.ts';
import { ENDPOINT_HEALTH } from '../core/health/constants.ts';
import { parseDuration } from '../core/retry/parseDuration.ts';
import { ENV, integer, loadEnv, retrySchedule, url } from './config.ts';
import { createDeliverHandler } from './createDeliverHandler.ts';
import { createObservability } from './observability.ts';
import { sqsClient } from './wiring/deadLetters.ts';
import { deliveryLog } from './wiring/deliveryLog.ts';
import { endpointHealth } from './wiring/health.ts';
import { lazy } from './wiring/lazy.ts';
import { deliverOperationalEvents } from './wiring/operatorEvents.ts';
import { secretStore } from './wiring/secrets.ts';
import { sender } from './wiring/sender.ts';
import { deliverySettler, loggingRecorder } from './wiring/settler.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';

export { createDeliverHandler };

const { logger, metrics } = createObservability('rowhook-deliver');

const wired = lazy(() => {
  const env = loadEnv({
    [ENV.retrySchedule]: retrySchedule,
    [ENV.deadLetterQueueUrl]: url,
    [ENV.disableAfterMs]: integer(
      parseDuration(ENDPOINT_HEALTH.defaultDisableAfterText) as number,
      ENDPOINT_HEALTH.minDisableAfterMs,
      ENDPOINT_HEALTH.maxDisableAfterMs,
    ),
  });
  return createDeliverHandler({
    subscriptions: subscriptionStore(),
    secrets: secretStore(),
    // Attempt latency and deliveries by outcome, under the same names as the local /metrics.
    log: meterAttempts(deliveryLog(), metrics),
    settler: meterSettlements(deliverySettler()(loggingRecorder(logger)), metrics),
    // Unparseable messages go straight to the dead-letter queue instead of five useless receives.
    rejectMessage: sqsRejectedMessageSink(sqsClient(), env[ENV.deadLetterQueueUrl]),
    sender: sender(),
    schedule: env[ENV.retrySchedule],
    now: () => new Date(),
    random: Math.random,
    logger,
    metrics,
    // Recorded in the table, and published to the operator endpoint when the stack configured one.
    health: {
      health: endpointHealth(),
      operationalEvents: deliverOperationalEvents(logger),
      disableAfterMs: env[ENV.disableAfterMs],
    },
  });
});

/** SQS (delivery queue, dedicated DLQ) → signed attempts; ReportBatchItemFailures on the mapping. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => wired()(event);
