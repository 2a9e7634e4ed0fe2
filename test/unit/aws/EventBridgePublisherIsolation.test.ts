import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';

// Issue 12 §4: one entry PutEvents refuses with a whole-request error must not block the outbox.
const eventBridge = mockClient(EventBridgeClient);

const deliveries = (count: number): NewDelivery[] =>
  Array.from({ length: count }, (_, i) => ({
    eventId: `0190f0f0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    endpointId: `ep_${i}`,
    tenantId: i % 2 === 0 ? 'acme' : 'globex',
    eventType: 'orders.insert',
    body: '{"id": 1}',
  }));

const publisher = () =>
  new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
    eventBusName: 'rowhook-test',
    sleep: async () => {},
  });

const vendorError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

const endpointsOf = (input: { Entries?: { Detail?: string }[] }) =>
  (input.Entries ?? []).map((e) => parseDeliveryMessage(e.Detail ?? '').endpointId);

const accept = (n: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: n }, (_, i) => ({ EventId: `e${i}` })),
});

/** Refuses, as a whole request, every call that carries the poisoned endpoint's entry. */
function poisoned(endpointId: string) {
  eventBridge.on(PutEventsCommand).callsFake((input) => {
    if (endpointsOf(input).includes(endpointId)) {
      throw vendorError(
        'ValidationException',
        400,
        'Total size of the entries in the request is over the limit',
      );
    }
    return accept(input.Entries.length);
  });
}

const published = () =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .filter((c) => !endpointsOf(c.args[0].input).includes('ep_4'))
    .flatMap((c) => endpointsOf(c.args[0].input));

beforeEach(() => eventBridge.reset());

describe('EventBridgeDeliveryPublisher: a whole-request refusal caused by one entry', () => {
  it('publishes the other 9 of a batch of 10 and rejects the poisoned one with the reason', async () => {
    poisoned('ep_4');
    const result = await publisher().enqueue(deliveries(10));
    expect(result.enqueued).toBe(9);
    expect(result.rejected).toEqual([
      {
        eventId: '0190f0f0-0000-7000-8000-000000000004',
        endpointId: 'ep_4',
        reason:
          'EventBridge refused the bus entry even when sent alone: ValidationException: Total size of the entries in the request is over the limit',
      },
    ]);
    expect(published().sort()).toEqual([
      'ep_0',
      'ep_1',
      'ep_2',
      'ep_3',
      'ep_5',
      'ep_6',
      'ep_7',
      'ep_8',
      'ep_9',
    ]);
    // Halving: 10 → 5 + 5 → (3 + 2) → (1 + 1): 7 calls, not one per entry.
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      10, 5, 3, 2, 1, 1, 5,
    ]);
  });

  it('isolates poisoned entries in different requests of the same enqueue', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      const ids = endpointsOf(input);
      if (ids.includes('ep_0') || ids.includes('ep_13')) throw vendorError('ValidationException', 400);
      return accept(ids.length);
    });
    const result = await publisher().enqueue(deliveries(15));
    expect(result.enqueued).toBe(13);
    expect(result.rejected.map((r) => r.endpointId)).toEqual(['ep_0', 'ep_13']);
  });

  it('still throws (retryable) on throttling, so the whole batch is retried rather than split', async () => {
    eventBridge.on(PutEventsCommand).rejects(vendorError('ThrottlingException', 400, 'Rate exceeded'));
    const error = (await publisher()
      .enqueue(deliveries(10))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(true);
    expect(
      eventBridge.commandCalls(PutEventsCommand).every((c) => c.args[0].input.Entries?.length === 10),
    ).toBe(true);
  });

  it('still throws (retryable) on a 5xx met while narrowing down, quarantining nothing', async () => {
    let calls = 0;
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      calls += 1;
      if (calls === 1) throw vendorError('ValidationException', 400);
      if (endpointsOf(input).includes('ep_7')) throw vendorError('InternalException', 500);
      return accept(input.Entries.length);
    });
    const error = (await publisher()
      .enqueue(deliveries(10))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('InternalException');
  });

  it('does not quarantine anything when every entry fails even alone (the bus, not an entry)', async () => {
    eventBridge.on(PutEventsCommand).rejects(vendorError('ValidationException', 400, 'bus says no'));
    const error = (await publisher()
      .enqueue(deliveries(10))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('ValidationException: bus says no');
  });

  it('does not split on errors about the bus or the caller (access denied)', async () => {
    eventBridge.on(PutEventsCommand).rejects(vendorError('AccessDeniedException', 400));
    const error = (await publisher()
      .enqueue(deliveries(10))
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error.retryable).toBe(false);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });
});
