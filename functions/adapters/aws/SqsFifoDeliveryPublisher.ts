import { createHash } from 'node:crypto';
import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  DeliveryPublisher,
  EnqueueResult,
  NewDelivery,
  RejectedDelivery,
} from '../../ports/DeliveryQueue.ts';
import { deliveryIdFor, serializeDeliveryMessage, TRANSPORTS } from './DeliveryMessage.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';

/** SendMessageBatch limits (entries per call; bytes per message and per call, as the queues are set). */
export const FIFO_BATCH_LIMITS = {
  maxEntries: 10,
  maxMessageBytes: 1_048_576,
  maxRequestBytes: 1_048_576,
  /** MessageGroupId and MessageDeduplicationId: at most 128 characters... */
  maxIdLength: 128,
} as const;

/** ...of alphanumerics and punctuation (printable ASCII without the space). */
const ID_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The FIFO message group of a delivery: the endpoint and the key, so one key's deliveries to one
 * endpoint wait for each other and nothing else does. Kept readable when it fits; otherwise (too
 * long, or characters SQS does not allow, e.g. the space in a composite key's JSON) the key is
 * hashed. A literal key shaped like a hash could share a group with a hashed one: that only makes
 * two keys of the same endpoint wait for each other, never reorders or loses anything.
 */
export function messageGroupIdFor(endpointId: string, orderingKey: string): string {
  const plain = `${endpointId}:${orderingKey}`;
  if (plain.length <= FIFO_BATCH_LIMITS.maxIdLength && ID_CHARACTERS.test(plain)) return plain;
  const hash = createHash('sha256').update(orderingKey).digest('hex');
  const hashed = `${endpointId}:sha256:${hash}`;
  if (hashed.length <= FIFO_BATCH_LIMITS.maxIdLength && ID_CHARACTERS.test(hashed)) return hashed;
  return `sha256:${createHash('sha256').update(`${endpointId}\n${orderingKey}`).digest('hex')}`;
}

/**
 * The deduplication id: the delivery's id (a hash of event id and endpoint id, 36 characters), so a
 * relay run that resends a batch within SQS's 5-minute window adds nothing.
 */
export const messageDeduplicationIdFor = (d: { eventId: string; endpointId: string }): string =>
  deliveryIdFor(d.eventId, d.endpointId);

export interface SqsFifoDeliveryPublisherOptions {
  queueUrl: string;
  /** Calls per batch while some entries keep failing transiently; then the enqueue fails. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  delivery: NewDelivery;
  entry: SendMessageBatchRequestEntry;
  size: number;
}

/**
 * The relay's publisher for per-key endpoints: each delivery straight onto the FIFO delivery queue
 * (an EventBridge rule cannot set a message group per event). Order within a group is the order of
 * sending, so a batch holds at most one message per group and batches go one after another: when
 * an entry fails, no later message of its group has been sent, and retrying it (or the relay's
 * next run, deduplicated) keeps the order.
 */
export class SqsFifoDeliveryPublisher implements DeliveryPublisher {
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SQSClient,
    private readonly options: SqsFifoDeliveryPublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseBackoffMs = options.baseBackoffMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Sends every delivery (each must carry its orderingKey) and returns those SQS will never take as
   * they are (too large, or refused as the sender's fault). Throws when the service keeps failing,
   * so the relay leaves its batch for the next run.
   */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    const rejected: RejectedDelivery[] = [];
    const groups = new Map<string, Pending[]>();
    for (const delivery of deliveries) {
      const pending = toPending(delivery);
      if (pending.size > FIFO_BATCH_LIMITS.maxMessageBytes) {
        rejected.push({
          eventId: delivery.eventId,
          endpointId: delivery.endpointId,
          reason: `delivery message is ${pending.size} bytes, over the SQS limit of ${FIFO_BATCH_LIMITS.maxMessageBytes}`,
        });
        continue;
      }
      const group = pending.entry.MessageGroupId as string;
      groups.set(group, [...(groups.get(group) ?? []), pending]);
    }
    let enqueued = 0;
    for (const batch of takeBatches(groups)) {
      const result = await this.sendBatch(batch);
      enqueued += result.sent;
      rejected.push(...result.rejected);
    }
    return { enqueued, rejected };
  }

  private async sendBatch(batch: Pending[]): Promise<{ sent: number; rejected: RejectedDelivery[] }> {
    const rejected: RejectedDelivery[] = [];
    let sent = 0;
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: BatchResultErrorEntry[] | undefined;
      let error: AwsAdapterError | undefined;
      try {
        const response = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: pending.map((p, i) => ({ ...p.entry, Id: `m${i}` })),
          }),
        );
        failed = response.Failed ?? [];
        sent += response.Successful?.length ?? 0;
      } catch (thrown) {
        error = toAwsError(thrown, 'sending per-key deliveries to the FIFO queue');
        if (!error.retryable) throw error;
      }
      const retry: Pending[] = [];
      if (failed) {
        for (const failure of failed) {
          const index = Number(failure.Id?.slice(1));
          const entry = pending[index];
          if (!entry)
            throw new AwsAdapterError(`SendMessageBatch reported an unknown entry id ${failure.Id}`);
          if (failure.SenderFault) {
            rejected.push({
              eventId: entry.delivery.eventId,
              endpointId: entry.delivery.endpointId,
              reason: `SQS refused the delivery: ${failure.Code}: ${failure.Message ?? 'no message'}`,
            });
          } else {
            retry.push(entry);
          }
        }
      } else {
        retry.push(...pending);
      }
      pending = retry;
      if (pending.length === 0) break;
      if (attempt >= this.maxAttempts) {
        throw new AwsAdapterError(
          `SQS kept failing ${pending.length} per-key deliveries after ${attempt} attempts; the relay retries the batch`,
          { cause: error, retryable: true },
        );
      }
      await this.sleep(this.baseBackoffMs * 2 ** (attempt - 1));
    }
    return { sent, rejected };
  }
}

function toPending(delivery: NewDelivery): Pending {
  if (delivery.orderingKey === undefined)
    throw new AwsAdapterError(`delivery of event ${delivery.eventId} has no ordering key for the FIFO queue`);
  const body = serializeDeliveryMessage({
    eventId: delivery.eventId,
    endpointId: delivery.endpointId,
    tenantId: delivery.tenantId,
    eventType: delivery.eventType,
    body: delivery.body,
    transport: TRANSPORTS.pooled,
    ...(delivery.sequence === undefined ? {} : { sequence: delivery.sequence }),
  });
  const attributes = { endpointId: delivery.endpointId, tenantId: delivery.tenantId };
  const entry: SendMessageBatchRequestEntry = {
    Id: '',
    MessageBody: body,
    MessageGroupId: messageGroupIdFor(delivery.endpointId, delivery.orderingKey),
    MessageDeduplicationId: messageDeduplicationIdFor(delivery),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    ),
  };
  // SQS counts the body and each attribute's name, type and value against the size limit.
  const size =
    Buffer.byteLength(body) +
    Object.entries(attributes).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + 'String'.length + Buffer.byteLength(v),
      0,
    );
  return { delivery, entry, size };
}

/**
 * Batches of at most one message per group, each group's messages in order across batches, within
 * the entry and byte limits of a call.
 */
export function* takeBatches<T extends { size: number }>(groups: Map<string, T[]>): Generator<T[]> {
  const queues = [...groups.values()].map((list) => [...list]);
  while (queues.some((q) => q.length > 0)) {
    const batch: T[] = [];
    let bytes = 0;
    for (const queue of queues) {
      const head = queue[0];
      if (!head) continue;
      if (batch.length >= FIFO_BATCH_LIMITS.maxEntries) break;
      if (batch.length > 0 && bytes + head.size > FIFO_BATCH_LIMITS.maxRequestBytes) continue;
      batch.push(head);
      bytes += head.size;
      queue.shift();
    }
    yield batch;
  }
}
