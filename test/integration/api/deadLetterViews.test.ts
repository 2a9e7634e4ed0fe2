import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/** Operator dead-letter views over real failed deliveries: classes, summary, detail, redrive slices. */

const harness = useTestRuntime();
const admin = (method: string, path: string, body?: unknown) =>
  harness.api.call(method, path, TEST_ADMIN_TOKEN, body);

interface Letter {
  id: string;
  endpointId: string;
  failedAt: string;
  errorClass: string;
  lastStatus: number | null;
}

let tenant: { id: string; apiKey: string };
let failing: TestReceiver;
let missing: TestReceiver;
let endpointA: { id: string; secret: string };
let endpointB: { id: string; secret: string };
let letters: Letter[];

beforeAll(async () => {
  tenant = await harness.api.createTenant('dlq-views');
  failing = await new TestReceiver().start();
  failing.respondWithStatuses(500);
  missing = await new TestReceiver().start();
  missing.respondWithStatuses(404);
  endpointA = await harness.api.createEndpoint(tenant.apiKey, { url: failing.url });
  endpointB = await harness.api.createEndpoint(tenant.apiKey, { url: missing.url });
  for (const [endpoint, n] of [
    [endpointA, 3],
    [endpointB, 2],
  ] as const) {
    for (let i = 0; i < n; i++)
      await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
  }
  letters = await vi.waitFor(
    async () => {
      const list = await admin('GET', `/v1/dead-letters?tenantId=${tenant.id}`);
      expect(list.json.items).toHaveLength(5);
      return list.json.items as Letter[];
    },
    { timeout: 20_000, interval: 100 },
  );
});

afterAll(async () => {
  await failing?.stop();
  await missing?.stop();
});

describe('dead-letter views', () => {
  it('says how each delivery failed and filters by that failure class', async () => {
    expect(letters.filter((l) => l.endpointId === endpointA.id).map((l) => l.errorClass)).toEqual([
      'http_500',
      'http_500',
      'http_500',
    ]);
    expect(letters.filter((l) => l.endpointId === endpointB.id).map((l) => l.errorClass)).toEqual([
      'http_404',
      'http_404',
    ]);
    const only404 = await admin('GET', `/v1/dead-letters?tenantId=${tenant.id}&errorClass=http_404`);
    expect(only404.status).toBe(200);
    expect(only404.json.items.map((l: Letter) => l.endpointId)).toEqual([endpointB.id, endpointB.id]);
    expect((await admin('GET', `/v1/dead-letters?errorClass=dns&tenantId=${tenant.id}`)).json.items).toEqual(
      [],
    );
  });

  it('narrows by failure time: from inclusive, to exclusive', async () => {
    const times = letters.map((l) => l.failedAt).sort();
    const [earliest, latest] = [times[0] as string, times.at(-1) as string];
    const count = async (query: string) =>
      (await admin('GET', `/v1/dead-letters?tenantId=${tenant.id}&${query}`)).json.items.length;
    expect(await count(`from=${encodeURIComponent(earliest)}`)).toBe(5);
    expect(await count(`to=${encodeURIComponent(earliest)}`)).toBe(0);
    expect(await count(`from=${encodeURIComponent(latest)}`)).toBe(times.filter((t) => t >= latest).length);
    const hourAhead = new Date(Date.parse(latest) + 3_600_000).toISOString();
    expect(await count(`from=${encodeURIComponent(hourAhead)}`)).toBe(0);
  });

  it('summarizes by endpoint and failure class, largest group first, with the time range', async () => {
    const res = await admin('GET', `/v1/dead-letters/summary?tenantId=${tenant.id}`);
    expect(res.status).toBe(200);
    const range = (endpointId: string) => {
      const times = letters.filter((l) => l.endpointId === endpointId).map((l) => l.failedAt);
      return { firstFailedAt: times.sort()[0], lastFailedAt: times.sort().at(-1) };
    };
    expect(res.json).toEqual({
      total: 5,
      groups: [
        {
          tenantId: tenant.id,
          endpointId: endpointA.id,
          errorClass: 'http_500',
          count: 3,
          ...range(endpointA.id),
        },
        {
          tenantId: tenant.id,
          endpointId: endpointB.id,
          errorClass: 'http_404',
          count: 2,
          ...range(endpointB.id),
        },
      ],
    });
    const filtered = await admin('GET', `/v1/dead-letters/summary?tenantId=${tenant.id}&errorClass=http_404`);
    expect(filtered.json.total).toBe(2);
  });

  it('shows the exact body, the signed headers of the last attempt and every attempt oldest first', async () => {
    const letter = letters.find((l) => l.endpointId === endpointA.id) as Letter;
    const res = await admin('GET', `/v1/dead-letters/${letter.id}`);
    expect(res.status).toBe(200);
    const detail = res.json;
    expect(detail).toMatchObject({ id: letter.id, errorClass: 'http_500', eventType: 'webhook.test' });
    expect(JSON.parse(detail.body)).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpointA.id },
    });

    expect(detail.attemptsLog.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    for (const entry of detail.attemptsLog) {
      expect(entry).toEqual({
        attempt: expect.any(Number),
        attemptedAt: expect.any(String),
        status: 500,
        latencyMs: expect.any(Number),
        errorClass: 'http',
        errorMessage: null,
        responseSnippet: expect.any(String),
        webhookTimestamp: expect.any(Number),
        startedAt: entry.attemptedAt,
      });
    }
    const starts = detail.attemptsLog.map((a: { attemptedAt: string }) => a.attemptedAt);
    expect(starts).toEqual([...starts].sort());

    // The headers are what the receiver got on the last attempt, and they verify.
    const last = detail.attemptsLog.at(-1);
    expect(detail.headers).toEqual({
      'webhook-id': detail.webhookId,
      'webhook-timestamp': String(last.webhookTimestamp),
      'webhook-signature': expect.stringMatching(/^v1,/),
      'content-type': 'application/json',
    });
    const sent = failing.received.filter((w) => w.headers['webhook-id'] === detail.webhookId);
    expect(sent).toHaveLength(3);
    expect(sent.at(-1)?.headers['webhook-signature']).toBe(detail.headers['webhook-signature']);
    expect(sent.at(-1)?.body).toBe(detail.body);
    expect(() => new Webhook(endpointA.secret).verify(detail.body, detail.headers)).not.toThrow();
  });

  it('redrives selected dead letters by id', async () => {
    missing.respondWithStatuses(200);
    const [first] = letters.filter((l) => l.endpointId === endpointB.id) as [Letter];
    const res = await admin('POST', '/v1/dead-letters/redrive', { ids: [first.id] });
    expect(res).toEqual({ status: 202, json: { count: 1, remaining: 0 } });
    await missing.waitForCount(2 * 3 + 1);
    const left = await admin('GET', `/v1/dead-letters?endpointId=${endpointB.id}`);
    expect(left.json.items.map((l: Letter) => l.id)).toEqual(
      letters.filter((l) => l.endpointId === endpointB.id && l.id !== first.id).map((l) => l.id),
    );
  });

  it('redrives a filter in slices, counting down what remains to zero', async () => {
    failing.respondWithStatuses(200);
    const startedAt = new Date().toISOString();
    const filter = { tenantId: tenant.id, endpointId: endpointA.id, to: startedAt, limit: 2 };
    const first = await admin('POST', '/v1/dead-letters/redrive', filter);
    expect(first).toEqual({ status: 202, json: { count: 2, remaining: 1 } });
    const second = await admin('POST', '/v1/dead-letters/redrive', filter);
    expect(second).toEqual({ status: 202, json: { count: 1, remaining: 0 } });
    expect(await admin('POST', '/v1/dead-letters/redrive', filter)).toEqual({
      status: 202,
      json: { count: 0, remaining: 0 },
    });
    await failing.waitForCount(3 * 3 + 3);
    const after = await admin('GET', `/v1/dead-letters/summary?tenantId=${tenant.id}`);
    expect(after.json.groups.map((g: { endpointId: string }) => g.endpointId)).toEqual([endpointB.id]);
  });
});
