import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { attemptDelivery } from '../../../functions/pipeline/attemptDelivery.ts';
import type { OutgoingWebhook, SendResult, WebhookSender } from '../../../functions/ports/WebhookSender.ts';
import { delivery, endpoint, now } from './fixtures.ts';

const secret = generateSecret();

/** A sender that records what it was asked to send and answers as told. */
function fakeSender(result: SendResult): WebhookSender & { sent: OutgoingWebhook[] } {
  const sent: OutgoingWebhook[] = [];
  return {
    sent,
    send: async (request) => {
      sent.push(request);
      return result;
    },
    close: async () => {},
  };
}

const context = (sender: WebhookSender) => ({
  sender,
  schedule: parseRetrySchedule('5s,5m'),
  now: () => now,
  random: () => 0.5,
});

describe('attemptDelivery', () => {
  it("sends the delivery's sequence number as webhook-sequence, and none when it has none", async () => {
    const sender = fakeSender({ ok: true, status: 204, headers: {}, snippet: '', latencyMs: 3 });
    await attemptDelivery(context(sender), { ...delivery, sequence: 41 }, endpoint, [secret]);
    await attemptDelivery(context(sender), delivery, endpoint, [secret]);
    expect(sender.sent.map((r) => r.headers['webhook-sequence'])).toEqual(['41', undefined]);
  });

  it('signs the exact body with the event id and the attempt time, and settles delivered on 2xx', async () => {
    const sender = fakeSender({ ok: true, status: 204, headers: {}, snippet: '', latencyMs: 3 });
    const result = await attemptDelivery(context(sender), delivery, endpoint, [secret]);
    const [request] = sender.sent;
    expect(request?.body).toBe(delivery.body);
    expect(request?.headers['webhook-id']).toBe('evt_01937a4c9b2e7c3d8f1a2b3c4d5e6f70');
    expect(request?.headers['webhook-timestamp']).toBe(String(now.getTime() / 1000));
    // A receiver checking at the attempt's time accepts it; the signature covers id, time and body.
    vi.setSystemTime(now);
    try {
      expect(new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).toMatchObject({
        type: 'orders.created',
      });
    } finally {
      vi.useRealTimers();
    }
    expect(result.settlement).toMatchObject({ kind: 'delivered', status: 204 });
    expect(result.attempt).toMatchObject({
      attempt: 1,
      status: 204,
      errorClass: null,
      webhookTimestamp: now.getTime() / 1000,
    });
  });

  it('schedules a retry with the jittered wait after a 500', async () => {
    const sender = fakeSender({ ok: true, status: 500, headers: {}, snippet: 'boom', latencyMs: 3 });
    const result = await attemptDelivery(context(sender), delivery, endpoint, [secret]);
    expect(result.settlement).toMatchObject({ kind: 'retry', delayMs: 5000, status: 500 });
    expect(result.attempt).toMatchObject({ errorClass: 'http', responseSnippet: 'boom' });
  });

  it('dead-letters on 410 and asks for the endpoint to be disabled', async () => {
    const sender = fakeSender({ ok: true, status: 410, headers: {}, snippet: '', latencyMs: 3 });
    const result = await attemptDelivery(context(sender), delivery, endpoint, [secret]);
    expect(result.settlement.kind).toBe('dead');
    expect(result.disableEndpoint).toEqual({
      tenantId: 'acme',
      endpointId: 'ep_1',
      reason: 'receiver answered HTTP 410',
    });
  });

  it('records transport errors with their class', async () => {
    const sender = fakeSender({ ok: false, errorClass: 'connect', message: 'ECONNREFUSED', latencyMs: 1 });
    const result = await attemptDelivery(context(sender), delivery, endpoint, [secret]);
    expect(result.settlement).toMatchObject({ kind: 'retry', status: null });
    expect(result.attempt).toMatchObject({
      status: null,
      errorClass: 'connect',
      errorMessage: 'ECONNREFUSED',
    });
  });

  it('dead-letters after the last attempt', async () => {
    const sender = fakeSender({ ok: true, status: 503, headers: {}, snippet: '', latencyMs: 3 });
    const result = await attemptDelivery(context(sender), { ...delivery, attempt: 3 }, endpoint, [secret]);
    expect(result.settlement).toMatchObject({ kind: 'dead', status: 503 });
    expect((result.settlement as { error: string }).error).toMatch(/exhausted after 3 attempts/);
  });

  it('sends nothing to a deleted, disabled or secretless endpoint', async () => {
    const sender = fakeSender({ ok: true, status: 200, headers: {}, snippet: '', latencyMs: 1 });
    const deleted = await attemptDelivery(context(sender), delivery, undefined, [secret]);
    const disabled = await attemptDelivery(
      context(sender),
      delivery,
      { ...endpoint, enabled: false, disabledReason: 'receiver answered HTTP 410' },
      [secret],
    );
    const secretless = await attemptDelivery(context(sender), delivery, endpoint, []);
    expect(sender.sent).toHaveLength(0);
    expect(deleted.settlement.kind).toBe('discarded');
    expect(disabled.settlement).toMatchObject({ kind: 'dead' });
    expect((disabled.settlement as { error: string }).error).toMatch(
      /disabled \(receiver answered HTTP 410\)/,
    );
    expect(secretless.settlement.kind).toBe('dead');
  });
});
