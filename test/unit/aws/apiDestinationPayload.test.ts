import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_DESTINATION_INPUT_PATH } from '../../../functions/adapters/aws/ApiDestinationManager.ts';
import { apiDestinationPayload } from '../../../functions/adapters/aws/apiDestinationPayload.ts';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { signAtPublish } from '../../../functions/handlers/wiring/publisher.ts';
import type { SecretStore } from '../../../functions/ports/SecretStore.ts';

// Issue 12 §2: what an API destination sends must be exactly what the relay signed.

describe('apiDestinationPayload: the bytes signed for an API destination', () => {
  // jsonb text (`{"id": 1, ...}`, a space after each ':' and ',') → what a minifying JSON writer sends.
  it.each([
    ['{"id": 1, "total": 12.5}', '{"id":1,"total":12.5}'],
    ['{"note": "a: b, c", "n": -3}', '{"note":"a: b, c","n":-3}'],
    ['{"q": "say \\"hi\\" to C:\\\\dir"}', '{"q":"say \\"hi\\" to C:\\\\dir"}'],
    [
      '{"a": [1, 2, {"b": null, "c": true}], "big": 9007199254740991}',
      '{"a":[1,2,{"b":null,"c":true}],"big":9007199254740991}',
    ],
    ['{"x": 0.25, "y": -0.5, "z": 0}', '{"x":0.25,"y":-0.5,"z":0}'],
    ['[]', '[]'],
  ])('sends %s as %s', (body, wire) => {
    const shaped = apiDestinationPayload(body);
    expect(shaped).toEqual({ ok: true, payload: JSON.parse(body), wire });
    // What EventBridge writes for the payload value (minified JSON) is the signed string.
    expect(JSON.stringify(shaped.ok && shaped.payload)).toBe(wire);
  });

  it.each([
    ['numeric with a trailing zero', '{"id": 1, "total": 12.50}', /12\.50/],
    ['integer past 2^53', '{"id": 12345678901234567890}', /number|2\^53/],
    [
      'integer past 2^53 that survives a round trip',
      '{"id": 12345678901234567000}',
      /number 12345678901234567000/,
    ],
    ['exponent', '{"e": 1e3}', /re-serialized/],
    ['non-ASCII (whether EventBridge escapes it is not documented)', '{"name": "café ☕"}', /non-ASCII/],
    ['an escaped non-ASCII character', '{"name": "caf\\u00e9"}', /re-serialized/],
    ['a control character', '{"s": "line\\nbreak"}', /control characters|escapes/],
    ['keys parsing reorders (integer-like after others)', '{"b": 1, "10": 2}', /key order/],
    ['a scalar', '"just a string"', /object or array/],
    ['not JSON', '{"id": ', /not JSON/],
  ])('does not send a body with %s that way', (_what, body, reason) => {
    const shaped = apiDestinationPayload(body);
    expect(shaped.ok).toBe(false);
    expect(!shaped.ok && shaped.reason).toMatch(reason);
  });
});

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

/** What the rule target does with a bus entry: take InputPath's value, write it as minified JSON. */
function sentByApiDestination(entry: PutEventsRequestEntry): string {
  const event = { 'detail-type': entry.DetailType, detail: JSON.parse(entry.Detail ?? '{}') };
  let value: unknown = event;
  for (const key of API_DESTINATION_INPUT_PATH.replace(/^\$\./, '').split('.')) {
    value = (value as Record<string, unknown>)[key];
  }
  return JSON.stringify(value);
}

describe('a dedicated delivery end to end (relay → bus entry → API destination → receiver)', () => {
  const secret = generateSecret();
  const secrets = {
    activeSecrets: async (ids: readonly string[]) => new Map(ids.map((id) => [id, [secret]])),
  };
  const publisher = () =>
    new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      eventBusName: 'rowhook-test',
      transports: async (ids) => new Map(ids.map((id) => [id, 'api-destination' as const])),
      signHeaders: signAtPublish(secrets as unknown as SecretStore),
      onUnsignedFallback: () => {},
      sleep: async () => {},
    });
  const delivery = (body: string) => ({
    eventId: '0190f0f0-0000-7000-8000-000000000001',
    endpointId: 'ep_1',
    tenantId: 'acme',
    eventType: 'orders.insert',
    body,
  });

  it('signs the bytes the API destination sends, which the receiver verifies; its dead letter re-signs the same bytes', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    await publisher().enqueue([delivery('{"id": 1, "total": 12.5, "note": "say \\"hi\\""}')]);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0] ?? {};
    const detail = JSON.parse(entry.Detail ?? '{}');
    expect(detail.transport).toBe('api-destination');
    expect(detail.body).toBeUndefined(); // carried once, as the payload value
    const sent = sentByApiDestination(entry);
    expect(sent).toBe('{"id":1,"total":12.5,"note":"say \\"hi\\""}');
    expect(() => new Webhook(secret).verify(sent, detail.headers)).not.toThrow();
    // The original bytes would not verify: that is the failure this fixes.
    expect(() =>
      new Webhook(secret).verify('{"id": 1, "total": 12.5, "note": "say \\"hi\\""}', detail.headers),
    ).toThrow();
    // The dedicated DLQ's message is the whole bus event; the deliver Lambda reads the same body.
    const deadLetter = JSON.stringify({ 'detail-type': 'rowhook.delivery', source: 'rowhook', detail });
    expect(parseDeliveryMessage(deadLetter).body).toBe(sent);
  });

  it.each([['{"id": 1, "total": 12.50}'], ['{"id": 12345678901234567890}'], ['{"name": "café"}']])(
    'delivers %s pooled, with the exact jsonb text, rather than send bytes it did not sign',
    async (body) => {
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
      await publisher().enqueue([delivery(body)]);
      const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0] ?? {};
      const message = parseDeliveryMessage(entry.Detail ?? '');
      expect(message.transport).toBe('pooled');
      expect(message.body).toBe(body);
      expect(message.headers).toBeUndefined();
    },
  );
});
