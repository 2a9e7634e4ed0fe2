import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { toAwsError } from './errors.ts';

/**
 * Keeps a received message hidden for `seconds` more (its next attempt's delay). On a FIFO queue
 * this also keeps its whole message group waiting, which is how a per-key retry holds its key.
 */
export type MessageHold = (receiptHandle: string, seconds: number) => Promise<void>;

/**
 * The longest hold: SQS allows a visibility timeout of 12 hours from the receive, and the receive
 * happened at most one Lambda run (15 minutes) before the hold is asked for.
 */
export const MAX_HOLD_SECONDS = 12 * 3600 - 15 * 60;

/** The hold for a retry delay: whole seconds, rounded up so an attempt never runs early, capped. */
export function holdSecondsFor(delayMs: number): number {
  if (!Number.isFinite(delayMs) || delayMs <= 0) return 0;
  return Math.min(MAX_HOLD_SECONDS, Math.ceil(delayMs / 1000));
}

export function sqsMessageHold(client: SQSClient, queueUrl: string): MessageHold {
  return async (receiptHandle, seconds) => {
    try {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      throw toAwsError(error, 'holding a per-key delivery until its retry is due');
    }
  };
}
