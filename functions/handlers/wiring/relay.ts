import { EndpointMatcher } from '../../pipeline/EndpointMatcher.ts';
import { numberedPublisher } from '../../pipeline/numberedPublisher.ts';
import { routeByOrdering } from '../../pipeline/routeByOrdering.ts';
import { ENV, integer, loadEnv } from '../config.ts';
import { createRelayHandler } from '../createRelayHandler.ts';
import { createObservability } from '../observability.ts';
import { deliverySequences } from './eventFeed.ts';
import { orderedPublisher } from './orderedPublisher.ts';
import { outboxSource } from './outbox.ts';
import { deliveryPublisher } from './publisher.ts';
import { subscriptionStore } from './subscriptions.ts';

// EventBridge's 1 MiB entry limit counts the body once JSON-escaped inside the entry, plus the
// envelope; the publisher still checks each entry and reports any that do not fit.
const MAX_EVENT_BYTES_LIMIT = 1024 * 1024 - 16 * 1024;

/** The relay handler wired to Aurora (Data API), DynamoDB and EventBridge; shared by relay and sweeper. */
export function wireRelay(serviceName: string) {
  const { logger, metrics } = createObservability(serviceName);
  const env = loadEnv({
    [ENV.relayBatch]: integer(100, 1, 1_000),
    [ENV.maxEventBytes]: integer(256 * 1024, 1024, MAX_EVENT_BYTES_LIMIT),
  });
  return createRelayHandler({
    relay: {
      // Bodies over maxEventBytes are rejected without being read through the Data API.
      // Per-key endpoints' deliveries go to the FIFO queue in claim order, keyed (see perKeyOrder).
      outbox: outboxSource().withMaxEventBytes(env[ENV.maxEventBytes]).withPerKeyOrder(),
      subscriptions: subscriptionStore(),
      // Entries it refuses come back in the relay result and are logged and counted by the handler.
      // Numbered (webhook-sequence) and committed in Aurora before anything is published; then
      // per-key endpoints' deliveries (they carry a key) go to the FIFO queue, the rest to the bus.
      queue: numberedPublisher(
        deliverySequences(),
        routeByOrdering({ unordered: deliveryPublisher(), ordered: orderedPublisher() }),
      ),
      matcher: new EndpointMatcher(),
    },
    options: { batchSize: env[ENV.relayBatch], maxEventBytes: env[ENV.maxEventBytes] },
    logger,
    metrics,
  });
}
