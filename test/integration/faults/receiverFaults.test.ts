import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  closedPortUrl,
  type DeliveryRow,
  deliveryOf,
  endpointWithTestEvent,
  hangForever,
  redirectTo,
  resetAfterHeaders,
  trickleBody,
  useReceivers,
} from '../../support/faultyReceiver.ts';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

// The schedule's 20 s ±20 % (16–24 s) sits below the 30 s throttled floor so the floor is visible,
// and above this file's run time so no retry happens while delays are asserted.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '20s,20s', ROWHOOK_DELIVERY_TIMEOUT: '1s' });

const receiver = useReceivers();

/** The delivery once its first attempt is settled: rescheduled (last_error set) or finished. */
async function afterFirstAttempt(tenantId: string): Promise<DeliveryRow> {
  await expect
    .poll(() => deliveryOf(harness, tenantId), { timeout: 5_000, interval: 50 })
    .toMatchObject({ attempts: 1, last_error: expect.any(String) });
  return (await deliveryOf(harness, tenantId)) as DeliveryRow;
}

/** The single attempt recorded for the endpoint. */
async function onlyAttempt(apiKey: string, endpointId: string) {
  await expect.poll(async () => (await attemptsOf(harness, apiKey, endpointId)).length).toBe(1);
  return (await attemptsOf(harness, apiKey, endpointId))[0];
}

describe('receiver answers that ask for a longer wait', () => {
  it('503 with Retry-After: 120 waits at least ~120 s', async () => {
    const r = await receiver();
    r.respondWith((_req, _i, res) => res.writeHead(503, { 'retry-after': '120' }).end('busy'));
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: 503 });
    expect(row.last_error).toMatch(/HTTP 503.*Retry-After honoured/);
    expect(row.wait_s).toBeGreaterThanOrEqual(100);
    expect(row.wait_s).toBeLessThanOrEqual(121);
    expect(await onlyAttempt(tenant.apiKey, endpoint.id)).toMatchObject({
      status: 503,
      errorClass: 'http',
      error: null,
      responseSnippet: 'busy',
    });
    expect(r.received).toHaveLength(1);
  });

  it('429 with Retry-After as an HTTP date ~90 s ahead waits at least ~90 s', async () => {
    const r = await receiver();
    r.respondWith((_req, _i, res) =>
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 90_000).toUTCString() }).end(),
    );
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: 429 });
    expect(row.last_error).toMatch(/HTTP 429.*Retry-After honoured/);
    expect(row.wait_s).toBeGreaterThanOrEqual(80);
    expect(row.wait_s).toBeLessThanOrEqual(91);
    expect(await onlyAttempt(tenant.apiKey, endpoint.id)).toMatchObject({
      status: 429,
      errorClass: 'http',
      error: null,
    });
  });

  it('429 without Retry-After waits at least the 30 s throttled floor, not the 20 s schedule', async () => {
    const r = await receiver();
    r.respondWithStatuses(429);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: 429 });
    expect(row.last_error).toMatch(/throttled minimum/);
    expect(row.wait_s).toBeGreaterThanOrEqual(28);
    expect(row.wait_s).toBeLessThanOrEqual(31);
    expect(await onlyAttempt(tenant.apiKey, endpoint.id)).toMatchObject({ status: 429, errorClass: 'http' });
  });
});

describe('transport faults', () => {
  it('connection refused: errorClass connect, retried on the schedule', async () => {
    const { tenant, endpoint } = await endpointWithTestEvent(harness, await closedPortUrl());
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect(row.last_error).toMatch(/^connect error \(.*ECONNREFUSED/);
    expect(row.wait_s).toBeGreaterThanOrEqual(14);
    expect(row.wait_s).toBeLessThanOrEqual(25);
    const attempt = await onlyAttempt(tenant.apiKey, endpoint.id);
    expect(attempt).toMatchObject({ status: null, errorClass: 'connect', responseSnippet: null });
    expect(attempt?.errorMessage).toMatch(/ECONNREFUSED/);
  });

  it('a receiver that never answers times out after 1 s and waits the 30 s floor', async () => {
    const r = await receiver();
    r.respondWith(hangForever);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect(row.last_error).toMatch(/^timeout error \(.*throttled minimum/);
    expect(row.wait_s).toBeGreaterThanOrEqual(28);
    expect(row.wait_s).toBeLessThanOrEqual(31);
    const attempt = await onlyAttempt(tenant.apiKey, endpoint.id);
    expect(attempt).toMatchObject({ status: null, errorClass: 'timeout', responseSnippet: null });
    expect(attempt?.errorMessage).toMatch(/timeout/i);
    expect(r.received).toHaveLength(1);
  });

  it('a connection reset mid-response is a reset failure, retried on the schedule', async () => {
    const r = await receiver();
    r.respondWith(resetAfterHeaders);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect(row.last_error).toMatch(/^reset error \(/);
    expect(row.wait_s).toBeGreaterThanOrEqual(14);
    expect(row.wait_s).toBeLessThanOrEqual(25);
    const attempt = await onlyAttempt(tenant.apiKey, endpoint.id);
    expect(attempt).toMatchObject({ status: null, errorClass: 'reset', responseSnippet: null });
    expect(attempt?.errorMessage).toMatch(/other side closed/);
  });

  it('a 200 whose body trickles past the timeout is a timeout, not a delivery', async () => {
    const r = await receiver();
    r.respondWith(trickleBody(300));
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect(row.last_error).toMatch(/^timeout error \(/);
    expect(row.wait_s).toBeGreaterThanOrEqual(28);
    expect(row.wait_s).toBeLessThanOrEqual(31);
    const attempt = await onlyAttempt(tenant.apiKey, endpoint.id);
    expect(attempt).toMatchObject({ status: null, errorClass: 'timeout', responseSnippet: null });
    expect(attempt?.errorMessage).toMatch(/timeout/i);
    expect(r.received).toHaveLength(1);
  });
});

describe('answers that are failures by rule', () => {
  it('a 302 is not followed and counts as a failed attempt', async () => {
    const r = await receiver();
    const target = r.url.replace(/\/webhooks$/, '/elsewhere');
    // Only the first request is redirected; the marker after it is answered 200.
    r.respondWith((req, i, res) =>
      req.path === '/webhooks' && i === 0 ? redirectTo(302, target)(req, i, res) : res.writeHead(200).end(),
    );
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    const row = await afterFirstAttempt(tenant.id);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: 302 });
    expect(row.last_error).toMatch(/HTTP 302.*redirects are not followed/);
    expect(row.wait_s).toBeGreaterThanOrEqual(14);
    expect(row.wait_s).toBeLessThanOrEqual(25);
    expect(await onlyAttempt(tenant.apiKey, endpoint.id)).toMatchObject({
      status: 302,
      errorClass: 'http',
      error: null,
    });
    const marker = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(marker.status).toBe(202);
    const [received = []] = await webhooksBeforeMarker(
      harness.database.db,
      [r],
      hasWebhookId(marker.json.eventId),
      // The redirected attempt's retry is 14-25 s away: long after this test.
      { acceptScheduledRetries: true },
    );
    expect(received.map((w) => w.path)).toEqual(['/webhooks']);
  });

  it('410 Gone is dead after one attempt and disables the endpoint', async () => {
    const r = await receiver();
    r.respondWithStatuses(410);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    await expect
      .poll(() => deliveryOf(harness, tenant.id))
      .toMatchObject({ state: 'dead', attempts: 1, last_status: 410 });
    expect((await deliveryOf(harness, tenant.id))?.last_error).toMatch(/410.*gone/);
    expect(await onlyAttempt(tenant.apiKey, endpoint.id)).toMatchObject({ status: 410, errorClass: 'http' });
    await expect
      .poll(async () => (await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey)).json)
      .toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410/) });
    expect(r.received).toHaveLength(1);
  });
});
