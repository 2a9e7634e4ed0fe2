import { describe, expect, it } from 'vitest';
import { OPERATIONAL_EVENT_TYPES, OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import { deliveryOf, endpointWithTestEvent, useReceivers } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { listOperationalEvents, useOperatorReceiver, verifyOperatorSignature } from './operatorReceiver.ts';

// Four attempts (three quick retries), so a run of three failures can end in a success.
const env: Record<string, string> = { ROWHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms' };
const ops = useOperatorReceiver(env);
const harness = useTestRuntime(env);
const receiver = useReceivers();

const { endpointDisabled, attemptExhausted, endpointRecovered } = OPERATIONAL_EVENT_TYPES;

describe('operational events', () => {
  it('410 Gone disables the endpoint at once and sends endpoint.disabled, signed, to the operator', async () => {
    const r = await receiver();
    r.respondWithStatuses(410);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);

    const { webhook, body } = await ops.waitFor(endpointDisabled, endpoint.id);
    expect(verifyOperatorSignature(webhook)).toEqual(JSON.parse(webhook.body));
    expect(body).toEqual({
      type: endpointDisabled,
      timestamp: expect.any(String),
      data: {
        tenantId: tenant.id,
        endpointId: endpoint.id,
        trigger: 'gone',
        reason: expect.stringMatching(/HTTP 410/),
      },
    });
    const shown = await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
    expect(shown.json).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410/) });
    expect(r.received).toHaveLength(1);

    const listed = await listOperationalEvents(harness, { tenantId: tenant.id }, TEST_ADMIN_TOKEN);
    expect(listed.status).toBe(200);
    // Only the disable: the delivery it dead-lettered is not also reported as exhausted.
    expect(listed.items).toEqual([
      {
        id: expect.stringMatching(/^oev_[0-9a-f]{32}$/),
        type: endpointDisabled,
        occurredAt: body.timestamp,
        tenantId: tenant.id,
        endpointId: endpoint.id,
        data: { trigger: 'gone', reason: body.data.reason },
      },
    ]);
    expect(listed.nextCursor).toBe(listed.items[0]?.id);
  });

  it('a delivery that runs out of attempts sends message.attempt.exhausted', async () => {
    const r = await receiver();
    r.respondWithStatuses(500);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);

    const { webhook, body } = await ops.waitFor(attemptExhausted, endpoint.id);
    verifyOperatorSignature(webhook);
    expect(body.data).toEqual({
      tenantId: tenant.id,
      endpointId: endpoint.id,
      deliveryId: expect.stringMatching(/^dlv_/),
      eventId: expect.stringMatching(/^evt_/),
      eventType: 'webhook.test',
      attempts: 4,
      lastStatus: 500,
      reason: expect.stringMatching(/HTTP 500/),
    });
    expect(await deliveryOf(harness, tenant.id)).toMatchObject({ state: 'dead', attempts: 4 });
    // Four failures in a row, but no success: nothing recovered, and the endpoint stays enabled.
    expect(ops.find(endpointRecovered, endpoint.id)).toEqual([]);
    expect(ops.find(endpointDisabled, endpoint.id)).toEqual([]);
    const listed = await listOperationalEvents(
      harness,
      { tenantId: tenant.id, type: attemptExhausted },
      TEST_ADMIN_TOKEN,
    );
    expect(listed.items.map((e) => e.data.eventId)).toEqual([body.data.eventId]);
  });

  it('a success after a run of failures sends endpoint.recovered', async () => {
    const r = await receiver();
    r.respondWithStatuses(500, 503, 500, 200);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);

    const { webhook, body } = await ops.waitFor(endpointRecovered, endpoint.id);
    verifyOperatorSignature(webhook);
    expect(body.data).toEqual({
      tenantId: tenant.id,
      endpointId: endpoint.id,
      failingSince: expect.any(String),
      failedAttempts: 3,
    });
    expect(Date.parse(body.data.failingSince as string)).toBeLessThan(Date.parse(body.timestamp));
    expect(await deliveryOf(harness, tenant.id)).toMatchObject({ state: 'delivered', attempts: 4 });
    const [row] = await harness.database.db.query(
      'select failing_since, consecutive_failures from rowhook.endpoints where id = $1',
      [endpoint.id],
    );
    expect(row).toEqual({ failing_since: null, consecutive_failures: 0 });
  });

  it('re-enabling a disabled endpoint resumes delivery', async () => {
    const r = await receiver();
    r.respondWithStatuses(410, 200);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    await ops.waitFor(endpointDisabled, endpoint.id);

    const patched = await harness.api.call('PATCH', `/v1/endpoints/${endpoint.id}`, tenant.apiKey, {
      enabled: true,
    });
    expect(patched.json).toMatchObject({ enabled: true, disabledReason: null });
    const sent = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(sent.status).toBe(202);
    await r.waitForCount(2);
    await expect
      .poll(async () =>
        (
          await harness.database.db.query('select state from rowhook.deliveries where endpoint_id = $1', [
            endpoint.id,
          ])
        )
          .map((d) => d.state)
          .sort(),
      )
      .toEqual(['dead', 'delivered']);
  });

  it('operators list events by type with a cursor; bad filters are a 400, a tenant key 403', async () => {
    const all = await listOperationalEvents(harness, { type: endpointDisabled }, TEST_ADMIN_TOKEN);
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    expect(all.items.every((e) => e.type === endpointDisabled)).toBe(true);
    const first = all.items[0]?.id as string;
    const after = await listOperationalEvents(
      harness,
      { type: endpointDisabled, after: first },
      TEST_ADMIN_TOKEN,
    );
    expect(after.items.map((e) => e.id)).toEqual(all.items.slice(1).map((e) => e.id));
    const last = all.items.at(-1)?.id as string;
    expect(
      await listOperationalEvents(harness, { after: last, type: endpointDisabled }, TEST_ADMIN_TOKEN),
    ).toMatchObject({
      status: 200,
      items: [],
      nextCursor: last,
    });
    // The operator endpoint's own tenant never appears: no events about the channel itself.
    expect(
      (await listOperationalEvents(harness, { tenantId: OPERATOR_ENDPOINT.tenantId }, TEST_ADMIN_TOKEN))
        .items,
    ).toEqual([]);

    for (const [query, pattern] of [
      [{ type: 'endpoint.deleted' }, /type: must be one of "endpoint.disabled"/],
      [{ after: 'evt_123' }, /after: must be an operational event id/],
      [{ limit: '0' }, /limit/],
      [{ tenantid: 'x' }, /unknown field/],
    ] as const) {
      const res = await listOperationalEvents(harness, query, TEST_ADMIN_TOKEN);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.json).toEqual({ error: { code: 'invalid_query', message: expect.stringMatching(pattern) } });
    }
    const tenant = await harness.api.createTenant('ops-not-allowed');
    const refused = await listOperationalEvents(harness, {}, tenant.apiKey);
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    expect((await listOperationalEvents(harness, {}, 'not-a-token')).status).toBe(401);
  });
});
