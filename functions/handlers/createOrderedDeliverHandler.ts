import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type DeliveryMessage,
  deliveryIdFor,
  parseDeliveryMessage,
  toClaimedDelivery,
} from '../adapters/aws/DeliveryMessage.ts';
import { MalformedDeliveryMessageError } from '../adapters/aws/errors.ts';
import type { SqsDeliverySettler } from '../adapters/aws/SqsDeliverySettler.ts';
import { holdSecondsFor, type MessageHold } from '../adapters/aws/sqsMessageHold.ts';
import type { RejectedMessageSink } from '../adapters/aws/sqsRejectedMessageSink.ts';
import {
  type AttemptContext,
  type AttemptResult,
  attemptDelivery,
  settleAfterInternalError,
} from '../pipeline/attemptDelivery.ts';
import { type HealthContext, settleEndpointHealth } from '../pipeline/settleEndpointHealth.ts';
import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface OrderedDeliverDependencies extends AttemptContext {
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  /** Records attempts, and tells how many this message has had (its body cannot carry a count). */
  log: DeliveryLog;
  /** Dead letters only: a retry stays this same message, held (see `hold`). */
  settler: Pick<SqsDeliverySettler, 'settle'>;
  /** Hides a message that must be retried until its retry is due, holding its group meanwhile. */
  hold: MessageHold;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  rejectMessage?: RejectedMessageSink;
  health?: Omit<HealthContext, 'now'>;
}

/** Done: Lambda deletes it and the group moves on. Held: it stays, and so does the rest of its group. */
type Outcome = { done: boolean; result?: AttemptResult };

/**
 * The deliver Lambda of the FIFO queue (per-key endpoints). Lambda hands over each message group's
 * messages in order; a group's next message may run only once the one before it is delivered,
 * discarded or dead-lettered. So within a batch each group runs one message at a time, and the first
 * one that is not done (its attempt failed and will be retried, or handling it threw) is reported
 * as a batch item failure together with every later message of its group: reporting only the
 * failed one would let Lambda delete the later ones, delivered ahead of it.
 *
 * A retry is not a new message (it would join the back of the group): the message itself is kept
 * hidden for the retry delay with ChangeMessageVisibility, which blocks its group until then. Its
 * attempt number comes from the delivery log (attempts recorded since the message was sent), since a
 * FIFO message cannot be changed and its receive count also counts receives in which it only waited
 * behind an earlier message of its group. After the last attempt it is dead-lettered as on the
 * standard queue (DynamoDB record and the dead-letter queue) and deleted, which frees its group.
 */
export function createOrderedDeliverHandler(deps: OrderedDeliverDependencies) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: string[] = [];
    const settled: AttemptResult[] = [];
    try {
      await Promise.all(
        groupsOf(event.Records).map(async (records) => {
          for (const [index, record] of records.entries()) {
            const outcome = await handleOne(deps, record);
            if (outcome.result) settled.push(outcome.result);
            if (outcome.done) continue;
            const held = records.slice(index);
            failures.push(...held.map((r) => r.messageId));
            if (held.length > 1)
              deps.metrics.addMetric('OrderedDeliveriesWaiting', MetricUnit.Count, held.length - 1);
            return;
          }
        }),
      );
      if (deps.health && settled.length > 0) {
        await settleEndpointHealth({ ...deps.health, now: deps.now }, settled).catch((error: unknown) => {
          deps.metrics.addMetric('OperationalEventsFailed', MetricUnit.Count, 1);
          deps.logger.error('could not record endpoint health or operational events', describeError(error));
        });
      }
    } finally {
      deps.metrics.publishStoredMetrics();
    }
    const batchItemFailures: SQSBatchItemFailure[] = failures.map((itemIdentifier) => ({ itemIdentifier }));
    return { batchItemFailures };
  };
}

/** The batch's records by message group, each group in the order Lambda handed them over. */
function groupsOf(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  return [...groups.values()];
}

async function handleOne(deps: OrderedDeliverDependencies, record: SQSRecord): Promise<Outcome> {
  let message: DeliveryMessage;
  try {
    message = parseDeliveryMessage(record.body);
  } catch (error) {
    deps.metrics.addMetric('DeliveryMessageRejected', MetricUnit.Count, 1);
    return { done: await rejectMalformed(deps, record, error) };
  }
  try {
    const deliveryId = deliveryIdFor(message.eventId, message.endpointId);
    // Without a send time (never from SQS), every attempt on record counts: fewer attempts, never endless.
    const sentAt = Number(record.attributes.SentTimestamp) || 0;
    const [endpoints, secrets, earlier] = await Promise.all([
      deps.subscriptions.getEndpointsByIds([message.endpointId]),
      deps.secrets.activeSecrets([message.endpointId]),
      deps.log.listForDelivery(deliveryId),
    ]);
    // Attempts of this message only: a redrive or resend of the same delivery is another message.
    const attempt = 1 + earlier.filter((a) => a.startedAt.getTime() >= sentAt).length;
    const delivery = { ...toClaimedDelivery(message, record.receiptHandle), attempt };
    const result = await attemptDelivery(
      deps,
      delivery,
      endpoints[0],
      secrets.get(message.endpointId) ?? [],
    ).catch((error: unknown) => {
      deps.logger.error('attempt failed inside Rowhook', {
        eventId: message.eventId,
        ...describeError(error),
      });
      return settleAfterInternalError(deps, delivery, error);
    });
    // Recorded before settling, so the next receive counts this attempt.
    if (result.attempt) await deps.log.record([result.attempt]);
    if (!deps.health && result.disableEndpoint) {
      const { tenantId, endpointId, reason } = result.disableEndpoint;
      await deps.subscriptions.disableEndpoint(tenantId, endpointId, reason);
    }
    const { settlement } = result;
    if (settlement.kind === 'retry') {
      const seconds = holdSecondsFor(settlement.delayMs);
      await deps.hold(record.receiptHandle, seconds);
      deps.logger.info('per-key delivery held for its retry', { eventId: message.eventId, seconds });
      return { done: false, result };
    }
    if (settlement.kind === 'dead') await deps.settler.settle([settlement]);
    return { done: true, result };
  } catch (error) {
    deps.logger.error('could not handle a per-key delivery; it and its group wait for the next receive', {
      messageId: record.messageId,
      ...describeError(error),
    });
    return { done: false };
  }
}

/** Like the standard queue: a malformed message goes to the dead-letter queue and frees its group. */
async function rejectMalformed(
  deps: OrderedDeliverDependencies,
  record: SQSRecord,
  error: unknown,
): Promise<boolean> {
  if (!(error instanceof MalformedDeliveryMessageError) || !deps.rejectMessage) {
    deps.logger.error('could not read a delivery message', {
      messageId: record.messageId,
      ...describeError(error),
    });
    return false;
  }
  try {
    await deps.rejectMessage(record, error.message);
    deps.logger.error('malformed delivery message dead-lettered', { messageId: record.messageId });
    return true;
  } catch (sendError) {
    deps.logger.error('could not dead-letter a malformed delivery message', {
      messageId: record.messageId,
      ...describeError(sendError),
    });
    return false;
  }
}
