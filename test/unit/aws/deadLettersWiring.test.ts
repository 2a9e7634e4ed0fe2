import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import type { FailedDelivery } from '../../../functions/adapters/aws/FailedDeliveryRecorder.ts';
import { sqsDeliverySender } from '../../../functions/handlers/wiring/deadLetters.ts';
import { allRecorders, loggingRecorder } from '../../../functions/handlers/wiring/settler.ts';

const sqs = mockClient(SQSClient);

beforeEach(() => {
  sqs.reset();
});

const message = {
  eventId: 'evt-1',
  endpointId: 'ep_1',
  tenantId: 'acme',
  eventType: 'orders.insert',
  body: '{"n":1.50}',
  transport: 'pooled' as const,
  attempt: 1,
};

describe('sqsDeliverySender', () => {
  it('sends a redriven delivery to the delivery queue, due at once, readable by the deliverer', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await sqsDeliverySender(new SQSClient({ region: 'eu-west-1' }), 'https://sqs/deliveries').send(message);
    const [call] = sqs.commandCalls(SendMessageCommand);
    const input = call?.args[0].input;
    expect(input).toMatchObject({ QueueUrl: 'https://sqs/deliveries', DelaySeconds: 0 });
    expect(input?.MessageAttributes).toMatchObject({
      REDRIVEN: { DataType: 'String', StringValue: 'true' },
      endpointId: { StringValue: 'ep_1' },
      tenantId: { StringValue: 'acme' },
    });
    expect(parseDeliveryMessage(input?.MessageBody ?? '')).toEqual(message);
  });

  it('turns SQS failures into adapter errors naming the delivery', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const error = await sqsDeliverySender(new SQSClient({ region: 'eu-west-1' }), 'https://sqs/d')
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(String((error as Error).message)).toMatch(/redriving a dead letter.*evt-1/);
  });
});

describe('settler recorders', () => {
  const failure: FailedDelivery = {
    deliveryId: 'd',
    tenantId: 'acme',
    endpointId: 'ep_1',
    eventId: 'evt-1',
    eventType: 'orders.insert',
    body: 'secret body',
    failedAt: new Date(),
    attempts: 3,
    lastStatus: 500,
    lastError: 'HTTP 500',
  };

  it('records in the store first, then logs without the body', async () => {
    const order: string[] = [];
    const store = { recordFailed: vi.fn(async () => void order.push('store')) };
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(() => void order.push('log')) };
    await allRecorders(store, loggingRecorder(logger)).recordFailed([failure]);
    expect(order).toEqual(['store', 'log']);
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('secret body');
  });

  it('does not log a failure the store could not record (the settle fails and is retried)', async () => {
    const store = { recordFailed: vi.fn(async () => Promise.reject(new Error('throttled'))) };
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    await expect(allRecorders(store, loggingRecorder(logger)).recordFailed([failure])).rejects.toThrow(
      'throttled',
    );
    expect(logger.error).not.toHaveBeenCalled();
  });
});
