import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { ID_PREFIXES, toPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

// A retry an hour out stays "scheduled" for the whole file, so the queue depth can be checked.
// A long attempt timeout: the held attempt must stay in flight however slow a loaded machine is.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '1h', ROWHOOK_DELIVERY_TIMEOUT: '120s' });
const receivers: TestReceiver[] = [];
afterAll(async () => {
  for (const r of receivers) await r.stop();
});

async function scrape(token: string | null = TEST_ADMIN_TOKEN) {
  const response = await fetch(`${harness.runtime.apiUrl}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { response, text: await response.text() };
}

/** The value of one sample line (`name{labels} value`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last value: ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A tenant whose endpoint answers every webhook with `status`; returns a function sending it a test event. */
async function tenantAnswering(id: string, status: number) {
  const tenant = await harness.api.createTenant(id);
  const receiver = await new TestReceiver().start();
  receivers.push(receiver);
  receiver.respondWithStatuses(status);
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
  /** Returns the test event's id (its webhook-id). */
  const sendTest = async (): Promise<string> => {
    const res = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(res.status).toBe(202);
    return res.json.eventId;
  };
  return { tenant, receiver, endpoint, sendTest };
}

describe('GET /metrics on the local runtime', () => {
  it('is for operators by default: no token 401, a tenant key 403, the admin token 200', async () => {
    const anonymous = await scrape(null);
    expect(anonymous.response.status).toBe(401);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { code: 'unauthorized' } });
    const tenant = await harness.api.createTenant('metrics-auth');
    const withTenantKey = await scrape(tenant.apiKey);
    expect(withTenantKey.response.status).toBe(403);
    const admin = await scrape();
    expect(admin.response.status).toBe(200);
    expect(admin.response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts deliveries by outcome, times attempts by result and reports dead letters per tenant', async () => {
    const ok = await tenantAnswering('metrics-ok', 204);
    const gone = await tenantAnswering('metrics-gone', 410); // 410: dead-lettered at once
    const failing = await tenantAnswering('metrics-failing', 503); // 503: retried in an hour
    await ok.sendTest();
    await gone.sendTest();
    await failing.sendTest();

    const { text } = await until(
      'three settled deliveries',
      () => scrape(),
      ({ text }) =>
        sample(text, 'rowhook_deliveries_total{outcome="delivered"}') === 1 &&
        sample(text, 'rowhook_deliveries_total{outcome="dead"}') === 1 &&
        sample(text, 'rowhook_deliveries_total{outcome="retry"}') === 1 &&
        // Gauges are read from the database as a scrape starts, counters as it ends: wait for both.
        sample(text, 'rowhook_dead_letters{tenant="metrics-gone"}') === 1 &&
        sample(text, 'rowhook_queue_depth{state="scheduled"}') === 1,
    );
    expect(sample(text, 'rowhook_deliveries_total{outcome="discarded"}')).toBe(0);

    expect(sample(text, 'rowhook_attempt_duration_seconds_count{result="2xx"}')).toBe(1);
    expect(sample(text, 'rowhook_attempt_duration_seconds_count{result="4xx"}')).toBe(1);
    expect(sample(text, 'rowhook_attempt_duration_seconds_count{result="5xx"}')).toBe(1);
    // Every attempt falls in the +Inf bucket, and in the 120 s bucket (the timeout is 5 s here).
    expect(sample(text, 'rowhook_attempt_duration_seconds_bucket{le="+Inf",result="2xx"}')).toBe(1);
    expect(sample(text, 'rowhook_attempt_duration_seconds_bucket{le="120",result="5xx"}')).toBe(1);

    expect(sample(text, 'rowhook_dead_letters{tenant="metrics-gone"}')).toBe(1);
    expect(sample(text, 'rowhook_dead_letters{tenant="metrics-ok"}')).toBeUndefined();
    expect(sample(text, 'rowhook_queue_depth{state="scheduled"}')).toBe(1);
    expect(sample(text, 'rowhook_queue_depth{state="ready"}')).toBe(0);
    expect(sample(text, 'rowhook_queue_depth{state="in_flight"}')).toBe(0);
    expect(sample(text, 'rowhook_outbox_lag_seconds')).toBe(0);

    // A discarded dead letter no longer counts against its tenant.
    const list = await harness.api.call('GET', '/v1/dead-letters?tenantId=metrics-gone', TEST_ADMIN_TOKEN);
    const [deadLetter] = list.json.items as { id: string }[];
    if (!deadLetter) throw new Error('no dead letter listed');
    expect(
      (await harness.api.call('DELETE', `/v1/dead-letters/${deadLetter.id}`, TEST_ADMIN_TOKEN)).status,
    ).toBe(204);
    expect(sample((await scrape()).text, 'rowhook_dead_letters{tenant="metrics-gone"}')).toBeUndefined();
  });

  it('shows an attempt whose receiver has not answered yet as in flight', async () => {
    const slow = await tenantAnswering('metrics-slow', 200);
    let held: ServerResponse | undefined;
    slow.receiver.respondWith((_request, _index, response) => {
      held = response;
    });
    await slow.sendTest();
    await until(
      'an attempt in flight',
      async () => sample((await scrape()).text, 'rowhook_queue_depth{state="in_flight"}'),
      (inFlight) => inFlight === 1,
    );
    held?.writeHead(200).end();
    await until(
      'the held attempt to settle',
      async () => (await scrape()).text,
      (text) =>
        sample(text, 'rowhook_queue_depth{state="in_flight"}') === 0 &&
        sample(text, 'rowhook_deliveries_total{outcome="delivered"}') === 2,
    );
  });

  it('shows deliveries due now as ready, and the age of the oldest event the relay has not published', async () => {
    const waiting = await tenantAnswering('metrics-waiting', 204);
    // Nothing is attempted any more: the delivery stays due.
    await harness.runtime.worker.stop();
    const held = await waiting.sendTest();
    await until(
      'a ready delivery',
      async () => sample((await scrape()).text, 'rowhook_queue_depth{state="ready"}'),
      (ready) => ready === 1,
    );

    // With the relay stopped, an event committed an hour ago waits in the outbox.
    await harness.runtime.relay.stop();
    const [old] = await harness.database.db.query<{ id: string }>(
      `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at)
       values (rowhook.uuidv7(), 'metrics-waiting', 'webhook.test', '{}', now() - interval '1 hour')
       returning id::text`,
    );
    const { text } = await scrape();
    const lag = sample(text, 'rowhook_outbox_lag_seconds');
    expect(lag).toBeGreaterThanOrEqual(3600);
    expect(lag).toBeLessThan(3600 + 600);
    // Still ready, never in flight: the queue itself says no attempt has started.
    expect(sample(text, 'rowhook_queue_depth{state="ready"}')).toBe(1);
    expect(sample(text, 'rowhook_queue_depth{state="in_flight"}')).toBe(0);

    // Started again, the pipeline sends the held delivery (its first attempt, made after the
    // restart) and the waiting event, each once, before a marker sent after them.
    const restartedAt = Date.now();
    harness.runtime.relay.start();
    harness.runtime.worker.start();
    const marker = await waiting.sendTest();
    const [received = []] = await webhooksBeforeMarker(
      harness.database.db,
      [waiting.receiver],
      hasWebhookId(marker),
    );
    expect(received.map((w) => w.headers['webhook-id']).sort()).toEqual(
      [held, toPublicId(ID_PREFIXES.event, old?.id ?? '')].sort(),
    );
    const attempts = await harness.api.call(
      'GET',
      `/v1/endpoints/${waiting.endpoint.id}/deliveries`,
      waiting.tenant.apiKey,
    );
    const heldAttempts = (
      attempts.json.items as { eventId: string; attempt: number; attemptedAt: string }[]
    ).filter((a) => a.eventId === held);
    expect(heldAttempts).toMatchObject([{ attempt: 1 }]);
    expect(Date.parse(heldAttempts[0]?.attemptedAt ?? '')).toBeGreaterThanOrEqual(restartedAt);
  });
});
