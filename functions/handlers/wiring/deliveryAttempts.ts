import { sqsRejectedMessageSink } from '../../adapters/aws/sqsRejectedMessageSink.ts';
import { meterAttempts } from '../../adapters/metrics/meterAttempts.ts';
import { meterSettlements } from '../../adapters/metrics/meterSettlements.ts';
import { ENDPOINT_HEALTH } from '../../core/health/constants.ts';
import { parseDuration } from '../../core/retry/parseDuration.ts';
import { ENV, integer, loadEnv, retrySchedule, url } from '../config.ts';
import type { createObservability } from '../observability.ts';
import { sqsClient } from './deadLetters.ts';
import { deliveryLog } from './deliveryLog.ts';
import { endpointHealth } from './health.ts';
import { deliverOperationalEvents } from './operatorEvents.ts';
import { secretStore } from './secrets.ts';
import { sender } from './sender.ts';
import { deliverySettler, loggingRecorder } from './settler.ts';
import { subscriptionStore } from './subscriptions.ts';

/**
 * What both deliver Lambdas attempt with (deliver: the standard queue; deliver-ordered: the FIFO
 * queue): stores, signing secrets, the metered log and settler, the sender, the retry schedule and
 * endpoint health. Each handler adds how its queue retries.
 */
export function deliveryAttempts({ logger, metrics }: ReturnType<typeof createObservability>) {
  const env = loadEnv({
    [ENV.retrySchedule]: retrySchedule,
    [ENV.deadLetterQueueUrl]: url,
    [ENV.disableAfterMs]: integer(
      parseDuration(ENDPOINT_HEALTH.defaultDisableAfterText) as number,
      ENDPOINT_HEALTH.minDisableAfterMs,
      ENDPOINT_HEALTH.maxDisableAfterMs,
    ),
  });
  return {
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
  };
}
