import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sqsRejectedMessageSink } from '../../../functions/adapters/aws/sqsRejectedMessageSink.ts';
import { sqsRecord } from './sqsRecord.ts';

describe('sqsRejectedMessageSink', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('forwards the raw body to the dead-letter queue with the reason as ERROR_MESSAGE', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const sink = sqsRejectedMessageSink(new SQSClient({}), 'https://sqs/dlq');
    await sink(sqsRecord('bad', 'not json'), 'malformed delivery message: body is not JSON');
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toMatchObject({
      QueueUrl: 'https://sqs/dlq',
      MessageBody: 'not json',
      MessageAttributes: {
        ERROR_MESSAGE: { DataType: 'String', StringValue: 'malformed delivery message: body is not JSON' },
        SOURCE_MESSAGE_ID: { DataType: 'String', StringValue: 'bad' },
      },
    });
  });

  it('throws when the send fails, so the handler reports the record', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));
    const sink = sqsRejectedMessageSink(new SQSClient({}), 'https://sqs/dlq');
    await expect(sink(sqsRecord('bad', 'x'), 'malformed')).rejects.toThrow(/dead-lettering/);
  });
});
