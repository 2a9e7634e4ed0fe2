import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsMessageHold } from '../adapters/aws/sqsMessageHold.ts';
import { sqsRejectedMessageSink } from '../adapters/aws/sqsRejectedMessageSink.ts';
import { meterAttempts } from '../adapters/metrics/meterAttempts.ts';
import { meterSettlements } from '../adapters/metrics/meterSettlements.ts';
import { ENDPOINT_HEALTH } from '../core/health/constants.ts';
import { parseDuration } from '../core/retry/parseDuration.ts';
import { ENV, integer, loadEnv, retrySchedule, url } from './config.ts';
import { createOrderedDeliverHandler } from './createOrderedDeliverHandler.ts';
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

export { createOrderedDeliverHandler };

// The deliver service's name: its delivery counters (and the error-rate alarm over them) cover both.
const { logger, metrics } = createObservability('rowhook-deliver');

/** Wired like deliver.ts; retries are held on the FIFO queue instead of re-sent (see the handler). */
const wired = lazy(() => {
  const env = loadEnv({
    [ENV.retrySchedule]: retrySchedule,
    [ENV.deadLetterQueueUrl]: url,
    [ENV.orderedQueueUrl]: url,
    [ENV.disableAfterMs]: integer(
      parseDuration(ENDPOINT_HEALTH.defaultDisableAfterText) as number,
      ENDPOINT_HEALTH.minDisableAfterMs,
      ENDPOINT_HEALTH.maxDisableAfterMs,
    ),
  });
  return createOrderedDeliverHandler({
    subscriptions: subscriptionStore(),
    secrets: secretStore(),
    log: meterAttempts(deliveryLog(), metrics),
    // Only dead letters go through it (the DynamoDB record and the dead-letter queue).
    settler: meterSettlements(deliverySettler()(loggingRecorder(logger)), metrics),
    hold: sqsMessageHold(sqsClient(), env[ENV.orderedQueueUrl]),
    rejectMessage: sqsRejectedMessageSink(sqsClient(), env[ENV.deadLetterQueueUrl]),
    sender: sender(),
    schedule: env[ENV.retrySchedule],
    now: () => new Date(),
    random: Math.random,
    logger,
    metrics,
    health: {
      health: endpointHealth(),
      operationalEvents: deliverOperationalEvents(logger),
      disableAfterMs: env[ENV.disableAfterMs],
    },
  });
});

/** The FIFO delivery queue (per-key endpoints) → ordered attempts; ReportBatchItemFailures on the mapping. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => wired()(event);
