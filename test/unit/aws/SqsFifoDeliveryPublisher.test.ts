import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryIdFor, parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import {
  messageGroupIdFor,
  SqsFifoDeliveryPublisher,
} from '../../../functions/adapters/aws/SqsFifoDeliveryPublisher.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-ordered.fifo';
const ENDPOINT = '0190f0f0-0000-7000-8000-0000000000e1';

const delivery = (n: number, orderingKey: string, endpointId = ENDPOINT): NewDelivery => ({
  eventId: `0190f0f0-0000-7000-8000-${String(n).padStart(12, '0')}`,
  endpointId,
  tenantId: 'acme',
  eventType: 'orders.update',
  body: `{"n":${n}}`,
  orderingKey,
});

const publisher = () =>
  new SqsFifoDeliveryPublisher(new SQSClient({ region: 'eu-west-1' }), {
    queueUrl: QUEUE,
    sleep: async () => {},
  });

/** Every entry sent, call by call. */
const sentCalls = (): SendMessageBatchRequestEntry[][] =>
  sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);

/** Accepts every entry. */
function acceptAll() {
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
}

beforeEach(() => sqs.reset());

describe('SqsFifoDeliveryPublisher', () => {
  it('sends each delivery with its endpoint:key group, its delivery id for deduplication and the message deliver reads', async () => {
    acceptAll();
    const result = await publisher().enqueue([delivery(1, 'public.orders:[42]')]);
    expect(result).toEqual({ enqueued: 1, rejected: [] });
    const [call] = sqs.commandCalls(SendMessageBatchCommand);
    expect(call?.args[0].input.QueueUrl).toBe(QUEUE);
    const [entry] = call?.args[0].input.Entries ?? [];
    expect(entry?.MessageGroupId).toBe(`${ENDPOINT}:public.orders:[42]`);
    const d = delivery(1, 'x');
    expect(entry?.MessageDeduplicationId).toBe(deliveryIdFor(d.eventId, d.endpointId));
    expect(parseDeliveryMessage(entry?.MessageBody ?? '')).toEqual({
      eventId: d.eventId,
      endpointId: ENDPOINT,
      tenantId: 'acme',
      eventType: 'orders.update',
      body: '{"n":1}',
      transport: 'pooled',
    });
    expect(entry?.MessageAttributes?.endpointId?.StringValue).toBe(ENDPOINT);
  });

  it('carries the webhook-sequence the relay numbered the delivery with (numberedPublisher runs first)', async () => {
    acceptAll();
    await publisher().enqueue([{ ...delivery(1, 'public.orders:[42]'), sequence: 41 }]);
    const [entry] = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(parseDeliveryMessage(entry?.MessageBody ?? '').sequence).toBe(41);
  });

  it('hashes a key that is too long or has characters SQS does not allow, into a valid distinct group', () => {
    const valid = /^[\x21-\x7e]{1,128}$/;
    const spaced = messageGroupIdFor(ENDPOINT, 'public.items:["eu", 42]');
    const long = messageGroupIdFor(ENDPOINT, `k${'x'.repeat(200)}`);
    const unicode = messageGroupIdFor(ENDPOINT, 'kunde:Müller');
    for (const id of [spaced, long, unicode]) {
      expect(id).toMatch(valid);
      expect(id.startsWith(`${ENDPOINT}:sha256:`)).toBe(true);
    }
    expect(new Set([spaced, long, unicode]).size).toBe(3);
    expect(messageGroupIdFor(ENDPOINT, 'public.items:["eu", 43]')).not.toBe(spaced);
    // Another endpoint's group for the same key is another group.
    expect(messageGroupIdFor('other', 'public.items:["eu", 42]')).not.toBe(spaced);
  });

  it('splits into calls of at most 10 entries, at most one message per group per call, each group in order', async () => {
    acceptAll();
    const distinct = Array.from({ length: 23 }, (_, i) => delivery(i + 1, `key-${i + 1}`));
    const sameKey = [101, 102, 103].map((n) => delivery(n, 'key-1'));
    const result = await publisher().enqueue([...distinct.slice(0, 1), ...sameKey, ...distinct.slice(1)]);
    expect(result.enqueued).toBe(26);
    const calls = sentCalls();
    expect(calls.map((c) => c.length)).toEqual([10, 10, 5, 1]);
    for (const call of calls) {
      expect(new Set(call.map((e) => e.MessageGroupId)).size).toBe(call.length);
      expect(call.map((e) => e.Id)).toEqual(call.map((_, i) => `m${i}`));
    }
    const key1 = calls
      .flat()
      .filter((e) => e.MessageGroupId === `${ENDPOINT}:key-1`)
      .map((e) => (JSON.parse(e.MessageBody ?? '{}') as { body: string }).body);
    expect(key1).toEqual(['{"n":1}', '{"n":101}', '{"n":102}', '{"n":103}']);
  });

  it("rejects entries SQS refuses as the sender's fault, retries only the transient failures, and keeps the rest", async () => {
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      call++;
      if (call > 1) return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
      return {
        Successful: [{ Id: 'm0' }],
        Failed: [
          { Id: 'm1', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' },
          { Id: 'm2', SenderFault: false, Code: 'InternalError' },
        ],
      };
    });
    const batch = [delivery(1, 'a'), delivery(2, 'b'), delivery(3, 'c')];
    const result = await publisher().enqueue(batch);
    expect(result.enqueued).toBe(2);
    expect(result.rejected).toEqual([
      {
        eventId: batch[1]?.eventId,
        endpointId: ENDPOINT,
        reason: 'SQS refused the delivery: InvalidParameterValue: bad',
      },
    ]);
    const calls = sentCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((e) => e.MessageGroupId)).toEqual([`${ENDPOINT}:c`]);
  });

  it('fails retryable when an entry keeps failing, before sending anything later of its group', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: [],
      Failed: input.Entries.map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })),
    }));
    const error = await publisher()
      .enqueue([delivery(1, 'a'), delivery(2, 'a')])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect((error as AwsAdapterError).retryable).toBe(true);
    const bodies = sentCalls()
      .flat()
      .map((e) => (JSON.parse(e.MessageBody ?? '{}') as { body: string }).body);
    expect(bodies).toEqual(['{"n":1}', '{"n":1}', '{"n":1}', '{"n":1}']);
  });

  it('rejects a delivery over the message size limit without sending it', async () => {
    acceptAll();
    const big = { ...delivery(1, 'a'), body: JSON.stringify({ x: 'y'.repeat(1_048_576) }) };
    const result = await publisher().enqueue([big, delivery(2, 'b')]);
    expect(result.enqueued).toBe(1);
    expect(result.rejected[0]?.reason).toMatch(/over the SQS limit of 1048576/);
    expect(sentCalls().flat()).toHaveLength(1);
  });
});
