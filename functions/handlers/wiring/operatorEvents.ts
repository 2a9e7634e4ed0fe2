import type { SQSClient } from '@aws-sdk/client-sqs';
import { TRANSPORTS } from '../../adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../adapters/aws/EventBridgeDeliveryPublisher.ts';
import { PublishingOperationalEvents } from '../../adapters/aws/PublishingOperationalEvents.ts';
import { sendDeliveryMessage } from '../../adapters/aws/SqsDeliverySettler.ts';
import type { NewDelivery } from '../../ports/DeliveryQueue.ts';
import type { OperationalEvents } from '../../ports/OperationalEvents.ts';
import { ENV, loadEnv, OPERATOR_WEBHOOK_ENABLED, required, url } from '../config.ts';
import { describeError, type HandlerLogger } from '../observability.ts';
import { sqsClient } from './deadLetters.ts';
import { operationalEvents } from './health.ts';
import { eventBridgeClient } from './publisher.ts';

/**
 * The deliver Lambda's operational events: recorded in the table and, when the stack configured an
 * operator webhook, published on the bus as pooled deliveries to the operator endpoint (no transport
 * lookup: that endpoint is always pooled). If the bus keeps failing, the same delivery message goes
 * straight onto the delivery queue, where the bus rule would have put it.
 */
export function deliverOperationalEvents(
  logger: HandlerLogger,
  env: NodeJS.ProcessEnv = process.env,
): OperationalEvents {
  if (env[ENV.operatorWebhook] !== OPERATOR_WEBHOOK_ENABLED) return operationalEvents();
  const config = loadEnv({ [ENV.eventBusName]: required, [ENV.deliveryQueueUrl]: url }, env);
  return new PublishingOperationalEvents({
    recorder: operationalEvents(),
    publisher: new EventBridgeDeliveryPublisher(eventBridgeClient(), {
      eventBusName: config[ENV.eventBusName],
    }),
    fallback: queueDirectly(sqsClient(), config[ENV.deliveryQueueUrl]),
    onFallback: (error, deliveries) =>
      logger.warn('bus unavailable; operational events queued directly', {
        eventIds: deliveries.map((d) => d.eventId),
        ...describeError(error),
      }),
  });
}

/** The delivery messages the pooled bus rule would have written (`$.detail`), sent to the queue. */
export function queueDirectly(client: SQSClient, queueUrl: string) {
  return async (deliveries: readonly NewDelivery[]): Promise<void> => {
    for (const delivery of deliveries) {
      await sendDeliveryMessage(
        client,
        queueUrl,
        { ...delivery, transport: TRANSPORTS.pooled },
        { doing: 'queueing an operational event for the operator endpoint' },
      );
    }
  };
}
