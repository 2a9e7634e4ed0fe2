import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toAwsError } from './errors.ts';

/** Forwards an unreadable delivery message, as received, to a dead-letter queue. */
export type RejectedMessageSink = (record: SQSRecord, reason: string) => Promise<void>;

/**
 * The RejectedMessageSink of the deliver Lambda: the raw body onto the dead-letter queue, with the
 * reason as ERROR_MESSAGE (like SqsDeliverySettler's dead letters) and the original message id.
 */
export function sqsRejectedMessageSink(client: SQSClient, deadLetterQueueUrl: string): RejectedMessageSink {
  return async (record, reason) => {
    try {
      await client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: {
            ERROR_MESSAGE: { DataType: 'String', StringValue: reason.slice(0, 1000) || 'malformed' },
            SOURCE_MESSAGE_ID: { DataType: 'String', StringValue: record.messageId },
          },
        }),
      );
    } catch (error) {
      throw toAwsError(error, `dead-lettering malformed delivery message ${record.messageId}`);
    }
  };
}
