import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import {
  EventBridgeDeliveryPublisher,
  type EventBridgeDeliveryPublisherOptions,
  entrySize,
  PUT_EVENTS_LIMITS,
} from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const eventBridge = mockClient(EventBridgeClient);
/** A body an API destination can send byte for byte (see apiDestinationPayload). */
const SENDABLE = '{"id": 1}';

function deliveries(count: number, body = '{"id":12345678901234567890}'): NewDelivery[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `0190f0f0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    endpointId: `ep_${i}`,
    tenantId: 'acme',
    eventType: 'orders.insert',
    body,
  }));
}

function publisher(options: Partial<EventBridgeDeliveryPublisherOptions> = {}) {
  return new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
    eventBusName: 'rowhook-test',
    sleep: async () => {},
    ...options,
  });
}

const ok = (n: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `e${i}` })),
});

beforeEach(() => eventBridge.reset());

describe('EventBridgeDeliveryPublisher', () => {
  it('publishes one entry per delivery, at most 10 per call, with the exact body', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    expect(await publisher().enqueue(deliveries(23))).toEqual({ enqueued: 23, rejected: [] });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const entry = calls[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'rowhook-test',
      Source: 'rowhook',
      DetailType: 'rowhook.delivery',
    });
    const detail = parseDeliveryMessage(entry?.Detail ?? '');
    expect(detail).toEqual({
      eventId: '0190f0f0-0000-7000-8000-000000000000',
      endpointId: 'ep_0',
      tenantId: 'acme',
      eventType: 'orders.insert',
      body: '{"id":12345678901234567890}',
      transport: 'pooled',
    });
  });

  it('makes no call for an empty batch', async () => {
    expect(await publisher().enqueue([])).toEqual({ enqueued: 0, rejected: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('re-sends only the entries that failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .resolves(ok(2));
    const batch = deliveries(4);
    expect((await publisher().enqueue(batch)).enqueued).toBe(4);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    const retried = calls[1]?.args[0].input.Entries?.map(
      (e) => parseDeliveryMessage(e.Detail ?? '').endpointId,
    );
    expect(retried).toEqual(['ep_1', 'ep_3']);
  });

  it('gives up after bounded attempts with a retryable error, backing off between them', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'still broken' }],
    });
    const sleep = vi.fn(async () => {});
    const error = await publisher({ maxAttempts: 3, sleep })
      .enqueue(deliveries(1))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect((error as AwsAdapterError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/after 3 attempts.*InternalFailure: still broken/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('maps a throttling error to a retryable AwsAdapterError with the cause', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    eventBridge.on(PutEventsCommand).rejects(throttled);
    const error = (await publisher({ maxAttempts: 2 })
      .enqueue(deliveries(1))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(throttled);
    expect(error.message).toContain('ThrottlingException: Rate exceeded');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('does not repeat a call the service rejected as invalid', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(
        Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
      );
    const error = (await publisher()
      .enqueue(deliveries(1))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error.retryable).toBe(false);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('does not send entries over 1 MB and returns them with a reason', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    // 300k quotes: a 600 kB body (each is \" in it), 1.2 MB once JSON-escaped again inside Detail.
    const big = {
      ...deliveries(1)[0],
      endpointId: 'ep_big',
      body: JSON.stringify({ q: '"'.repeat(300_000) }),
    };
    const small = deliveries(2);
    expect(Buffer.byteLength(big.body)).toBeLessThan(1024 * 1024);
    const result = await publisher().enqueue([
      small[0] as NewDelivery,
      big as NewDelivery,
      small[1] as NewDelivery,
    ]);
    expect(result.enqueued).toBe(2);
    expect(result.rejected).toEqual([
      {
        eventId: big.eventId,
        endpointId: 'ep_big',
        reason: expect.stringMatching(/over EventBridge's 1048576-byte limit/),
      },
    ]);
    const sent = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent.map((e) => parseDeliveryMessage(e.Detail ?? '').endpointId)).toEqual(['ep_0', 'ep_1']);
  });

  it('makes no call when every delivery is over the limit', async () => {
    const big = { ...deliveries(1)[0], body: JSON.stringify({ q: '"'.repeat(300_000) }) } as NewDelivery;
    const result = await publisher().enqueue([big]);
    expect(result).toEqual({ enqueued: 0, rejected: [expect.objectContaining({ endpointId: 'ep_0' })] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('adds precomputed signature headers for api-destination endpoints only', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    const signHeaders = vi.fn(async (list: readonly NewDelivery[]) => {
      return new Map(
        list.map((d) => [
          `${d.eventId}/${d.endpointId}`,
          {
            'webhook-id': `evt_${d.eventId}`,
            'webhook-timestamp': '1700000000',
            'webhook-signature': 'v1,abc',
          },
        ]),
      );
    });
    await publisher({
      transports: async () => new Map([['ep_1', 'api-destination' as const]]),
      signHeaders,
    }).enqueue(deliveries(2, SENDABLE));
    // Signed over what the API destination will send (minified), not the jsonb text.
    expect(signHeaders).toHaveBeenCalledWith([
      expect.objectContaining({ endpointId: 'ep_1', body: '{"id":1}' }),
    ]);
    const [pooled, dedicated] = (
      eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? []
    ).map((e) => parseDeliveryMessage(e.Detail ?? ''));
    expect(pooled?.transport).toBe('pooled');
    expect(pooled?.headers).toBeUndefined();
    expect(dedicated?.transport).toBe('api-destination');
    expect(dedicated?.headers?.['webhook-signature']).toBe('v1,abc');
  });

  it('publishes an api-destination delivery it could not sign as pooled, and reports it', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    const onUnsignedFallback = vi.fn();
    const result = await publisher({
      transports: async () =>
        new Map([
          ['ep_0', 'api-destination' as const],
          ['ep_1', 'api-destination' as const],
        ]),
      // ep_0's secret could be read, ep_1's could not.
      signHeaders: async (list) =>
        new Map(
          list
            .filter((d) => d.endpointId === 'ep_0')
            .map((d) => [
              `${d.eventId}/${d.endpointId}`,
              { 'webhook-id': 'evt_x', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc' },
            ]),
        ),
      onUnsignedFallback,
    }).enqueue(deliveries(2, SENDABLE));
    expect(result).toEqual({ enqueued: 2, rejected: [] });
    const [signed, unsigned] = (
      eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? []
    ).map((e) => parseDeliveryMessage(e.Detail ?? ''));
    expect(signed?.transport).toBe('api-destination');
    expect(unsigned?.transport).toBe('pooled');
    expect(unsigned?.headers).toBeUndefined();
    expect(onUnsignedFallback).toHaveBeenCalledWith({
      deliveries: [expect.objectContaining({ endpointId: 'ep_1' })],
    });
  });

  it('publishes every api-destination delivery as pooled when the secrets cannot be read at all', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    const failure = new Error('secrets unavailable');
    const onUnsignedFallback = vi.fn();
    const result = await publisher({
      transports: async () => new Map([['ep_0', 'api-destination' as const]]),
      signHeaders: async () => Promise.reject(failure),
      onUnsignedFallback,
    }).enqueue(deliveries(2, SENDABLE));
    expect(result).toEqual({ enqueued: 2, rejected: [] });
    const sent = (eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? []).map((e) =>
      parseDeliveryMessage(e.Detail ?? ''),
    );
    expect(sent.map((m) => m.transport)).toEqual(['pooled', 'pooled']);
    expect(onUnsignedFallback).toHaveBeenCalledWith({
      deliveries: [expect.objectContaining({ endpointId: 'ep_0' })],
      error: failure,
    });
  });

  it('keeps the total size of each request within the limit, not just each entry', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ok(input.Entries.length));
    // ~300 kB each: every entry fits alone, but only three fit in one 1 MiB request.
    const large = deliveries(7, JSON.stringify({ q: 'x'.repeat(300_000) }));
    const small = deliveries(12).map((d) => ({ ...d, endpointId: `small_${d.endpointId}` }));
    const result = await publisher().enqueue([...large, ...small]);
    expect(result).toEqual({ enqueued: 19, rejected: [] });
    const requests = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
    for (const entries of requests) {
      expect(entries.length).toBeLessThanOrEqual(PUT_EVENTS_LIMITS.maxEntries);
      const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
      expect(total).toBeLessThanOrEqual(PUT_EVENTS_LIMITS.maxRequestBytes);
    }
    // 3 + 3 large, then the last large one with 9 small ones (count limit), then the 3 small left.
    expect(requests.map((r) => r.length)).toEqual([3, 3, 10, 3]);
    const order = requests.flat().map((e) => parseDeliveryMessage(e.Detail ?? '').endpointId);
    expect(order).toEqual([...large, ...small].map((d) => d.endpointId));
  });

  it('returns entries refused with a permanent ErrorCode as rejected and retries only transient ones', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 3,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid.' },
        ],
      })
      .resolves(ok(1));
    const batch = deliveries(4);
    const result = await publisher().enqueue(batch);
    expect(result).toEqual({
      enqueued: 2,
      rejected: [
        {
          eventId: batch[1]?.eventId,
          endpointId: 'ep_1',
          reason: 'EventBridge refused the bus entry: MalformedDetail: Detail is malformed.',
        },
        {
          eventId: batch[3]?.eventId,
          endpointId: 'ep_3',
          reason: 'EventBridge refused the bus entry: InvalidArgument: Parameter Detail is not valid.',
        },
      ],
    });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(
      calls[1]?.args[0].input.Entries?.map((e) => parseDeliveryMessage(e.Detail ?? '').endpointId),
    ).toEqual(['ep_2']);
  });

  it('does not retry or throw for entries that only fail permanently', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'RedactionFailure', ErrorMessage: 'nope' }],
    });
    const sleep = vi.fn(async () => {});
    const result = await publisher({ sleep }).enqueue(deliveries(1));
    expect(result.enqueued).toBe(0);
    expect(result.rejected).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/RedactionFailure: nope/) }),
    ]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('fails without retrying when the bus refuses entries for its configuration (permissions)', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'a' }, { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'denied' }],
    });
    const error = (await publisher()
      .enqueue(deliveries(2))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('NotAuthorizedForSourceException: denied');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
