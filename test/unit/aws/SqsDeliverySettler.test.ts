import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deliveryIdFor, parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { delaySecondsFor, SqsDeliverySettler } from '../../../functions/adapters/aws/SqsDeliverySettler.ts';
import type { ClaimedDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const sqs = mockClient(SQSClient);
const NOW = new Date('2026-01-01T00:00:00Z');

const delivery: ClaimedDelivery = {
  id: deliveryIdFor('evt-1', 'ep_1'),
  eventId: 'evt-1',
  endpointId: 'ep_1',
  tenantId: 'acme',
  eventType: 'orders.insert',
  body: '{"n":1.50}',
  attempt: 3,
  receipt: 'msg-1',
};

function settler() {
  const recorder = { recordFailed: vi.fn(async () => {}) };
  const instance = new SqsDeliverySettler(new SQSClient({ region: 'eu-west-1' }), {
    deliveryQueueUrl: 'https://sqs/deliveries',
    deadLetterQueueUrl: 'https://sqs/dead',
    recorder,
    now: () => NOW,
  });
  return { instance, recorder };
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'new' });
});

describe('SqsDeliverySettler', () => {
  it('re-enqueues a retry with the delay capped at 900 s and the due time and next attempt carried', async () => {
    const { instance } = settler();
    await instance.settle([
      { delivery, kind: 'retry', delayMs: 2 * 3_600_000, status: 503, error: 'HTTP 503' },
    ]);
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toMatchObject({ QueueUrl: 'https://sqs/deliveries', DelaySeconds: 900 });
    const message = parseDeliveryMessage(call?.args[0].input.MessageBody ?? '');
    expect(message).toMatchObject({
      eventId: 'evt-1',
      endpointId: 'ep_1',
      body: '{"n":1.50}',
      attempt: 4,
      transport: 'pooled',
      dueAt: NOW.getTime() + 2 * 3_600_000,
    });
  });

  it('rounds short delays up to whole seconds', async () => {
    expect(delaySecondsFor(4_001)).toBe(5);
    expect(delaySecondsFor(0)).toBe(0);
    expect(delaySecondsFor(-5)).toBe(0);
    expect(delaySecondsFor(900_000)).toBe(900);
    expect(delaySecondsFor(10_000_000)).toBe(900);
  });

  it('dead-letters with the failure and records it for operators', async () => {
    const { instance, recorder } = settler();
    await instance.settle([{ delivery, kind: 'dead', status: 500, error: 'attempts exhausted' }]);
    expect(recorder.recordFailed).toHaveBeenCalledWith([
      expect.objectContaining({
        deliveryId: delivery.id,
        eventId: 'evt-1',
        attempts: 3,
        lastStatus: 500,
        lastError: 'attempts exhausted',
        body: '{"n":1.50}',
        failedAt: NOW,
      }),
    ]);
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input.QueueUrl).toBe('https://sqs/dead');
    expect(call?.args[0].input.MessageAttributes?.ERROR_MESSAGE?.StringValue).toBe('attempts exhausted');
    expect(parseDeliveryMessage(call?.args[0].input.MessageBody ?? '').failure).toEqual({
      error: 'attempts exhausted',
      status: 500,
      failedAt: NOW.toISOString(),
    });
  });

  it('keeps the webhook-sequence on a retry, a dead letter and its operator record', async () => {
    const { instance, recorder } = settler();
    const numbered = { ...delivery, sequence: 9 };
    await instance.settle([
      { delivery: numbered, kind: 'retry', delayMs: 1_000, status: 503, error: 'HTTP 503' },
    ]);
    await instance.settle([{ delivery: numbered, kind: 'dead', status: 500, error: 'attempts exhausted' }]);
    const bodies = sqs
      .commandCalls(SendMessageCommand)
      .map((c) => parseDeliveryMessage(c.args[0].input.MessageBody ?? ''));
    expect(bodies.map((m) => m.sequence)).toEqual([9, 9]);
    expect(recorder.recordFailed).toHaveBeenCalledWith([expect.objectContaining({ sequence: 9 })]);
  });

  it('sends nothing for delivered and discarded deliveries (Lambda deletes the message)', async () => {
    const { instance, recorder } = settler();
    await instance.settle([
      { delivery, kind: 'delivered', status: 200 },
      { delivery, kind: 'discarded', error: 'endpoint was deleted' },
    ]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(recorder.recordFailed).not.toHaveBeenCalled();
  });

  it('re-delays a message that is not yet due by the next hop', async () => {
    const { instance } = settler();
    const message = {
      ...parseDeliveryMessage(JSON.stringify({ ...delivery, transport: 'pooled' })),
      dueAt: NOW.getTime() + 42_500,
    };
    expect(await instance.redelay(message)).toBe(43);
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input.DelaySeconds).toBe(43);
    expect(parseDeliveryMessage(call?.args[0].input.MessageBody ?? '').dueAt).toBe(message.dueAt);
  });

  it('maps SQS failures to AwsAdapterError naming the delivery', async () => {
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('boom'), { $metadata: { httpStatusCode: 500 } }));
    const { instance } = settler();
    const error = (await instance
      .settle([{ delivery, kind: 'retry', delayMs: 1000, status: null, error: 'x' }])
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/scheduling a retry \(event evt-1, endpoint ep_1\)/);
  });
});

describe('parseDeliveryMessage', () => {
  it('says what is wrong with a malformed body', () => {
    expect(() => parseDeliveryMessage('not json')).toThrow(/malformed delivery message: body is not JSON/);
    expect(() => parseDeliveryMessage('{"eventId":"e"}')).toThrow(/endpointId/);
    expect(() => parseDeliveryMessage(JSON.stringify({ 'detail-type': 'other', detail: {} }))).toThrow(
      /EventBridge event of type "other"/,
    );
  });

  it('unwraps an EventBridge event (API destination dead letter) and continues at attempt 2', async () => {
    const { toClaimedDelivery } = await import('../../../functions/adapters/aws/DeliveryMessage.ts');
    const message = parseDeliveryMessage(
      JSON.stringify({
        version: '0',
        'detail-type': 'rowhook.delivery',
        source: 'rowhook',
        detail: {
          eventId: 'e',
          endpointId: 'ep',
          tenantId: 't',
          eventType: 'x',
          body: '{}',
          transport: 'api-destination',
        },
      }),
    );
    expect(toClaimedDelivery(message, 'r').attempt).toBe(2);
    expect(deliveryIdFor('e', 'ep')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(deliveryIdFor('e', 'ep')).toBe(toClaimedDelivery(message, 'r').id);
  });
});
