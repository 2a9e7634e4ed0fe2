import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type DeliveryMessage,
  parseDeliveryMessage,
  toClaimedDelivery,
} from '../adapters/aws/DeliveryMessage.ts';
import { MalformedDeliveryMessageError } from '../adapters/aws/errors.ts';
import type { SqsDeliverySettler } from '../adapters/aws/SqsDeliverySettler.ts';
import type { RejectedMessageSink } from '../adapters/aws/sqsRejectedMessageSink.ts';
import {
  type AttemptContext,
  type AttemptResult,
  attemptDelivery,
  settleAfterInternalError,
} from '../pipeline/attemptDelivery.ts';
import { type HealthContext, settleEndpointHealth } from '../pipeline/settleEndpointHealth.ts';
import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { ClaimedDelivery } from '../ports/DeliveryQueue.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { describeError, type HandlerLogger, type HandlerMetrics, MetricUnit } from './observability.ts';

export interface DeliverDependencies extends AttemptContext {
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  log: DeliveryLog;
  settler: Pick<SqsDeliverySettler, 'settle' | 'redelay'>;
  logger: HandlerLogger;
  metrics: HandlerMetrics;
  /**
   * Where a message that can never be read (malformed body) goes: straight to the dead-letter
   * queue, since SQS retries could not fix it. Without it (or when it throws) the record is
   * reported as a batch item failure, i.e. retried and then dead-lettered by the queue's redrive.
   */
  rejectMessage?: RejectedMessageSink;
  /**
   * Endpoint health (auto-disable) and operational events, recorded in the table (and published to
   * the operator endpoint when one is configured). Without it a 410 still disables the endpoint,
   * but nothing else is tracked.
   */
  health?: Omit<HealthContext, 'now'>;
}

/** A message due within this much is attempted now rather than sent round the queue again. */
const DUE_SLACK_MS = 1_000;

interface Work {
  record: SQSRecord;
  message: DeliveryMessage;
  delivery: ClaimedDelivery;
}

/**
 * The deliver Lambda, fed by the delivery queue and by the dedicated endpoints' dead-letter queue:
 * for each message, wait more (re-delay) or make one signed attempt and settle it. Only records whose
 * handling threw are reported back, so SQS retries just those (ReportBatchItemFailures); a delivery
 * that failed at the receiver is not an error here, it is settled as a retry or a dead letter.
 */
export function createDeliverHandler(deps: DeliverDependencies) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = new Set<string>();
    const fail = (record: SQSRecord, error: unknown, what: string) => {
      failures.add(record.messageId);
      deps.logger.error(what, { messageId: record.messageId, ...describeError(error) });
    };
    try {
      const due: Work[] = [];
      await Promise.all(
        event.Records.map(async (record) => {
          let message: DeliveryMessage;
          try {
            message = parseDeliveryMessage(record.body);
          } catch (error) {
            deps.metrics.addMetric('DeliveryMessageRejected', MetricUnit.Count, 1);
            await rejectMalformed(deps, record, error, fail);
            return;
          }
          try {
            if ((message.dueAt ?? 0) > deps.now().getTime() + DUE_SLACK_MS) {
              const delay = await deps.settler.redelay(message);
              deps.metrics.addMetric('DeliveryRedelayed', MetricUnit.Count, 1);
              deps.logger.info('not yet due; re-delayed', { eventId: message.eventId, delaySeconds: delay });
              return;
            }
            due.push({ record, message, delivery: toClaimedDelivery(message, record.messageId) });
          } catch (error) {
            fail(record, error, 'could not re-delay a delivery message');
          }
        }),
      );
      if (due.length > 0) await attemptAll(deps, due, fail);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
    const batchItemFailures: SQSBatchItemFailure[] = [...failures].map((itemIdentifier) => ({
      itemIdentifier,
    }));
    return { batchItemFailures };
  };
}

/**
 * A malformed message goes to the dead-letter queue at once instead of being retried: retries
 * cannot fix its body. Only if that send fails (or no sink is wired) is the record reported.
 */
async function rejectMalformed(
  deps: DeliverDependencies,
  record: SQSRecord,
  error: unknown,
  fail: (record: SQSRecord, error: unknown, what: string) => void,
): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  if (!(error instanceof MalformedDeliveryMessageError) || !deps.rejectMessage) {
    fail(record, error, 'could not read a delivery message');
    return;
  }
  try {
    await deps.rejectMessage(record, reason);
    deps.logger.error('malformed delivery message dead-lettered', {
      messageId: record.messageId,
      ...describeError(error),
    });
  } catch (sendError) {
    fail(record, sendError, 'could not dead-letter a malformed delivery message');
  }
}

async function attemptAll(
  deps: DeliverDependencies,
  work: Work[],
  fail: (record: SQSRecord, error: unknown, what: string) => void,
): Promise<void> {
  const endpointIds = [...new Set(work.map((w) => w.delivery.endpointId))];
  let endpoints: Awaited<ReturnType<SubscriptionStore['getEndpointsByIds']>>;
  let secrets: Map<string, string[]>;
  try {
    // One lookup of each per batch, not per message; the secret store caches across invocations.
    [endpoints, secrets] = await Promise.all([
      deps.subscriptions.getEndpointsByIds(endpointIds),
      deps.secrets.activeSecrets(endpointIds),
    ]);
  } catch (error) {
    for (const w of work) fail(w.record, error, 'could not load endpoints or secrets');
    return;
  }
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const results = await Promise.all(
    work.map(async (w) => {
      const result = await attemptDelivery(
        deps,
        w.delivery,
        byId.get(w.delivery.endpointId),
        secrets.get(w.delivery.endpointId) ?? [],
      ).catch((error: unknown) => {
        deps.logger.error('attempt failed inside Rowhook', {
          eventId: w.delivery.eventId,
          ...describeError(error),
        });
        return settleAfterInternalError(deps, w.delivery, error);
      });
      // The attempt log in DynamoDB has no deliveries table to join: the number goes with the attempt.
      if (result.attempt && w.delivery.sequence !== undefined)
        result.attempt = { ...result.attempt, sequence: w.delivery.sequence };
      return { work: w, result };
    }),
  );

  // Attempts are recorded before settling: if settling fails, SQS hands the message over again and
  // the repeat attempt (same webhook-id) finds the earlier one on record.
  const recorded = await deps.log
    .record(results.flatMap((r) => (r.result.attempt ? [r.result.attempt] : [])))
    .then(() => true)
    .catch((error: unknown) => {
      deps.logger.warn('batch attempt record failed; recording one by one', describeError(error));
      return false;
    });
  const settled: AttemptResult[] = [];
  await Promise.all(
    results.map(async ({ work: w, result }) => {
      try {
        if (!recorded && result.attempt) await deps.log.record([result.attempt]);
        if (!deps.health) await disableIfAsked(deps, result);
        await deps.settler.settle([result.settlement]);
        settled.push(result);
      } catch (error) {
        fail(w.record, error, 'could not record or settle a delivery');
      }
    }),
  );
  // Only settled results: a record SQS hands over again is counted when it is settled then. A
  // failure here costs operational events (logged, counted), never a delivery. The batch is not
  // failed: its records are settled, so SQS would attempt them again (a second retry chain or dead
  // letter each), and the health transitions already made would not be raised a second time anyway.
  if (deps.health && settled.length > 0) {
    await settleEndpointHealth({ ...deps.health, now: deps.now }, settled).catch((error: unknown) => {
      deps.metrics.addMetric('OperationalEventsFailed', MetricUnit.Count, 1);
      deps.logger.error('could not record endpoint health or operational events', describeError(error));
    });
  }
}

async function disableIfAsked(deps: DeliverDependencies, result: AttemptResult): Promise<void> {
  if (!result.disableEndpoint) return;
  const { tenantId, endpointId, reason } = result.disableEndpoint;
  await deps.subscriptions.disableEndpoint(tenantId, endpointId, reason);
  deps.logger.warn('endpoint disabled by its receiver', { tenantId, endpointId, reason });
}
