import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliverySettler, Settlement, SettleResult } from '../../ports/DeliveryQueue.ts';
import {
  type DeliveryMessage,
  deliveryIdFor,
  nextAttemptMessage,
  serializeDeliveryMessage,
} from './DeliveryMessage.ts';
import { toAwsError } from './errors.ts';
import type { FailedDeliveryRecorder } from './FailedDeliveryRecorder.ts';

/** SQS caps DelaySeconds at 15 minutes. */
export const MAX_SQS_DELAY_SECONDS = 900;

export interface SqsDeliverySettlerOptions {
  deliveryQueueUrl: string;
  deadLetterQueueUrl: string;
  recorder: FailedDeliveryRecorder;
  now?: () => Date;
}

/**
 * The deliver Lambda's DeliverySettler. A retry is a new message on the delivery queue; the message
 * being handled is deleted by Lambda when the handler reports success for it, so 'delivered' and
 * 'discarded' need nothing here.
 *
 * Waits longer than SQS's 15-minute DelaySeconds are "chained delays": the message carries its due
 * time (absolute, so time a hop spends queued or in flight is not counted twice), and the deliver handler re-sends a message that is not yet due with the next hop's delay
 * (see `redelay`). Chosen over one-off EventBridge Scheduler `at()` schedules because it needs no
 * extra service, IAM role or per-retry create/delete (nor cleanup of orphaned schedules when a
 * delivery is redriven), is covered by the queue's own redrive policy and alarms, and keeps every
 * pending retry in one place; the cost is one cheap SQS message + Lambda invocation per 15 minutes
 * of waiting (40 hops for the default schedule's 10 h step), which is small next to the attempt itself.
 */
export class SqsDeliverySettler implements DeliverySettler {
  private readonly now: () => Date;

  constructor(
    private readonly client: SQSClient,
    private readonly options: SqsDeliverySettlerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Each message reaches one invocation at a time (SQS visibility), so every settlement applies. */
  async settle(settlements: readonly Settlement[]): Promise<SettleResult> {
    await Promise.all(settlements.map((settlement) => this.settleOne(settlement)));
    return { applied: new Set(settlements.map((settlement) => settlement.delivery.id)) };
  }

  /** Sends a not-yet-due message back with the next hop of its wait. Returns the delay used, in s. */
  async redelay(message: DeliveryMessage): Promise<number> {
    const remainingMs = (message.dueAt ?? 0) - this.now().getTime();
    const delaySeconds = delaySecondsFor(remainingMs);
    await this.send(this.options.deliveryQueueUrl, message, delaySeconds, 're-delaying a delivery');
    return delaySeconds;
  }

  private async settleOne(settlement: Settlement): Promise<void> {
    const { delivery } = settlement;
    switch (settlement.kind) {
      case 'delivered':
      case 'discarded':
        return;
      case 'retry': {
        const dueAt = this.now().getTime() + Math.max(0, Math.round(settlement.delayMs));
        const message = nextAttemptMessage(delivery, dueAt);
        await this.send(
          this.options.deliveryQueueUrl,
          message,
          delaySecondsFor(settlement.delayMs),
          'scheduling a retry',
        );
        return;
      }
      case 'dead': {
        const failedAt = this.now();
        const message: DeliveryMessage = {
          eventId: delivery.eventId,
          endpointId: delivery.endpointId,
          tenantId: delivery.tenantId,
          eventType: delivery.eventType,
          body: delivery.body,
          transport: 'pooled',
          attempt: delivery.attempt,
          ...(delivery.sequence === undefined ? {} : { sequence: delivery.sequence }),
          failure: { error: settlement.error, status: settlement.status, failedAt: failedAt.toISOString() },
        };
        // The operator-visible record first: if the DLQ send fails after it, the retried handler
        // writes the same record again (keyed by delivery id), whereas the reverse order could
        // leave a dead letter nobody can list.
        await this.options.recorder.recordFailed([
          {
            deliveryId: deliveryIdFor(delivery.eventId, delivery.endpointId),
            tenantId: delivery.tenantId,
            endpointId: delivery.endpointId,
            eventId: delivery.eventId,
            eventType: delivery.eventType,
            body: delivery.body,
            failedAt,
            attempts: delivery.attempt,
            lastStatus: settlement.status,
            lastError: settlement.error,
            ...(delivery.sequence === undefined ? {} : { sequence: delivery.sequence }),
          },
        ]);
        await this.send(this.options.deadLetterQueueUrl, message, 0, 'dead-lettering a delivery', {
          ERROR_MESSAGE: settlement.error.slice(0, 1000),
          ATTEMPTS: String(delivery.attempt),
        });
        return;
      }
    }
  }

  private async send(
    queueUrl: string,
    message: DeliveryMessage,
    delaySeconds: number,
    doing: string,
    attributes: Record<string, string> = {},
  ): Promise<void> {
    await sendDeliveryMessage(this.client, queueUrl, message, { delaySeconds, doing, attributes });
  }
}

/**
 * One delivery message onto a queue, with the endpoint and tenant as message attributes (for
 * operators reading a queue in the console). Shared by the settler and the dead letters' redrive.
 */
export async function sendDeliveryMessage(
  client: SQSClient,
  queueUrl: string,
  message: DeliveryMessage,
  options: { delaySeconds?: number; doing: string; attributes?: Record<string, string> },
): Promise<void> {
  try {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: serializeDeliveryMessage(message),
        DelaySeconds: options.delaySeconds ?? 0,
        MessageAttributes: Object.fromEntries(
          Object.entries({
            ...options.attributes,
            endpointId: message.endpointId,
            tenantId: message.tenantId,
          }).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
        ),
      }),
    );
  } catch (error) {
    throw toAwsError(error, `${options.doing} (event ${message.eventId}, endpoint ${message.endpointId})`);
  }
}

/** The SQS delay for a wait: whole seconds, rounded up so an attempt never runs early, at most 900. */
export function delaySecondsFor(delayMs: number): number {
  if (!Number.isFinite(delayMs) || delayMs <= 0) return 0;
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.ceil(delayMs / 1000));
}
