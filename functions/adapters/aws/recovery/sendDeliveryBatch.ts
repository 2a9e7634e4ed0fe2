import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DeliveryMessage, serializeDeliveryMessage } from '../DeliveryMessage.ts';
import { AwsAdapterError, toAwsError } from '../errors.ts';

/** SQS refused entries of a batch (a sender fault, or faults left after the last round). */
export class DeliveryMessagesRefusedError extends AwsAdapterError {
  override readonly code = 'delivery_messages_refused';
}

/** SQS: at most 10 entries per SendMessageBatch, and the whole request within the 1 MiB message limit. */
export const SQS_BATCH_LIMITS = { entries: 10, bytes: 1_048_576 } as const;

// Bytes an entry's attributes may add besides its body (names, types and the endpoint/tenant ids).
const ATTRIBUTE_OVERHEAD_BYTES = 512;

export interface DeliveryBatchOptions {
  /** Extra message attributes on every entry (operators reading the queue see why it was sent). */
  attributes: Record<string, string>;
  doing: string;
  /** Rounds for entries SQS failed with a server fault (throttling, internal errors). Default 3. */
  attempts?: number;
  /** Wait before a round again; default 100 ms times the round. Tests pass 0. */
  backoffMs?: number;
  maxBatchBytes?: number;
}

/**
 * Sends delivery messages to a queue in order, 10 (or fewer, to stay under the request size) per
 * SendMessageBatch. Entries SQS failed with a server fault are sent again (in a later round, so
 * their order relative to the rest may change: the queue is a standard one and never kept order);
 * a sender fault (an entry SQS refuses as it is) or faults left after the last round throw, and
 * the caller sends the whole lot again later: what was sent arrives twice, under the same webhook-id.
 */
export async function sendDeliveryBatch(
  client: SQSClient,
  queueUrl: string,
  messages: readonly DeliveryMessage[],
  options: DeliveryBatchOptions,
): Promise<void> {
  const maxBytes = options.maxBatchBytes ?? SQS_BATCH_LIMITS.bytes;
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 100;
  for (const chunk of chunksOf(
    messages.map((message, i) => entryOf(message, i, options.attributes)),
    maxBytes,
  )) {
    let pending = chunk;
    for (let round = 1; pending.length > 0; round++) {
      let failed: { Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[];
      try {
        const response = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending.map((p) => p.entry) }),
        );
        failed = response.Failed ?? [];
      } catch (error) {
        throw toAwsError(error, options.doing);
      }
      const refused = failed.find((f) => f.SenderFault);
      const retryAgain = round < attempts && !refused;
      if (failed.length > 0 && !retryAgain) {
        const first = refused ?? failed[0];
        const message = pending.find((p) => p.entry.Id === first?.Id)?.message;
        throw new DeliveryMessagesRefusedError(
          `SQS refused ${failed.length} of ${pending.length} delivery messages while ${options.doing}` +
            ` (event ${message?.eventId ?? '?'}: ${first?.Code ?? 'unknown'} ${first?.Message ?? ''})`.trimEnd(),
          { retryable: !refused },
        );
      }
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((p) => ids.has(p.entry.Id));
      if (pending.length > 0 && backoffMs > 0) await new Promise((r) => setTimeout(r, backoffMs * round));
    }
  }
}

interface Entry {
  entry: SendMessageBatchRequestEntry;
  message: DeliveryMessage;
  bytes: number;
}

function entryOf(message: DeliveryMessage, index: number, attributes: Record<string, string>): Entry {
  const body = serializeDeliveryMessage(message);
  return {
    message,
    bytes: Buffer.byteLength(body) + ATTRIBUTE_OVERHEAD_BYTES,
    entry: {
      Id: String(index),
      MessageBody: body,
      MessageAttributes: Object.fromEntries(
        Object.entries({ ...attributes, endpointId: message.endpointId, tenantId: message.tenantId }).map(
          ([name, value]) => [name, { DataType: 'String', StringValue: value }],
        ),
      ),
    },
  };
}

/** Consecutive runs of at most 10 entries whose bytes fit; an entry too large alone goes alone (SQS says why). */
function chunksOf(entries: Entry[], maxBytes: number): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (
      current.length > 0 &&
      (current.length === SQS_BATCH_LIMITS.entries || bytes + entry.bytes > maxBytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
