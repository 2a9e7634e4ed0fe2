import { describe, expect, it } from 'vitest';
import { OPERATIONAL_EVENT_TYPES } from '../../../functions/core/health/constants.ts';
import { endpointWithTestEvent, useReceivers } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { listOperationalEvents, signatureMatches, useOperatorReceiver } from './operatorReceiver.ts';

const DAY = 86_400_000;

// The deliverer's clock: real time plus `offset`, which the test moves days ahead in one step.
let offset = 0;
const env: Record<string, string> = {
  // Plenty of quick retries: the run of failures outlasts the clock jump.
  ROWHOOK_RETRY_SCHEDULE: Array.from({ length: 20 }, () => '200ms').join(','),
};
const ops = useOperatorReceiver(env);
const harness = useTestRuntime(env, { now: () => new Date(Date.now() + offset) });
const receiver = useReceivers();

async function healthOf(endpointId: string) {
  const [row] = await harness.database.db.query<{
    enabled: boolean;
    disabled_reason: string | null;
    failing_since: Date | null;
    consecutive_failures: number;
  }>(
    'select enabled, disabled_reason, failing_since, consecutive_failures from rowhook.endpoints where id = $1',
    [endpointId],
  );
  return row;
}

describe('auto-disable after the default 5 days of continuous failure', () => {
  it('failing since T, a failure at T+5d disables the endpoint; re-enabling clears it and resumes delivery', async () => {
    offset = 0;
    const r = await receiver();
    r.respondWithStatuses(503);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);

    await expect
      .poll(async () => (await healthOf(endpoint.id))?.failing_since, { interval: 20 })
      .not.toBeNull();
    const before = await healthOf(endpoint.id);
    expect(before?.enabled).toBe(true);
    const failingSince = before?.failing_since as Date;

    offset = 5 * DAY;
    const { webhook, body } = await ops.waitFor(OPERATIONAL_EVENT_TYPES.endpointDisabled, endpoint.id);
    expect(signatureMatches(webhook)).toBe(true);
    expect(body.data).toEqual({
      tenantId: tenant.id,
      endpointId: endpoint.id,
      trigger: 'automatic',
      reason: expect.stringMatching(/^failing continuously since .*none succeeded for 5d\)/),
      failingSince: failingSince.toISOString(),
      failedAttempts: expect.any(Number),
    });
    expect(Date.parse(body.timestamp) - failingSince.getTime()).toBeGreaterThanOrEqual(5 * DAY);
    const disabled = await healthOf(endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: body.data.reason });
    const listed = await listOperationalEvents(
      harness,
      { tenantId: tenant.id, type: OPERATIONAL_EVENT_TYPES.endpointDisabled },
      TEST_ADMIN_TOKEN,
    );
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.data).toMatchObject({
      trigger: 'automatic',
      failingSince: failingSince.toISOString(),
    });

    // Re-enabled with the clock still 5 days ahead: the old run is gone, so one failure cannot
    // disable it again, and the receiver (working now) gets the next event.
    const patched = await harness.api.call('PATCH', `/v1/endpoints/${endpoint.id}`, tenant.apiKey, {
      enabled: true,
    });
    expect(patched.json).toMatchObject({ enabled: true, disabledReason: null });
    expect(await healthOf(endpoint.id)).toMatchObject({
      enabled: true,
      failing_since: null,
      consecutive_failures: 0,
    });
    const received = r.received.length;
    r.respondWithStatuses(200);
    await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    await r.waitForCount(received + 1);
    await expect
      .poll(
        async () =>
          (
            await harness.database.db.query(
              `select count(*)::int as n from rowhook.deliveries where endpoint_id = $1 and state = 'delivered'`,
              [endpoint.id],
            )
          )[0]?.n,
      )
      // At least the test event; a retry of the earlier failures that was still queued when the
      // endpoint came back may be delivered too (re-enabling resumes what is queued).
      .toBeGreaterThanOrEqual(1);
    expect(await healthOf(endpoint.id)).toMatchObject({ enabled: true, failing_since: null });
    expect(ops.find(OPERATIONAL_EVENT_TYPES.endpointDisabled, endpoint.id)).toHaveLength(1);
    offset = 0;
  });

  it('a success within the period keeps the endpoint enabled however long it failed before', async () => {
    offset = 0;
    const r = await receiver();
    r.respondWithStatuses(503, 503, 503, 200);
    const { endpoint } = await endpointWithTestEvent(harness, r.url);
    await expect
      .poll(async () => (await healthOf(endpoint.id))?.failing_since, { interval: 20 })
      .not.toBeNull();
    // Four days on: still failing, not yet disabled; the success then clears the run.
    offset = 4 * DAY;
    await ops.waitFor(OPERATIONAL_EVENT_TYPES.endpointRecovered, endpoint.id);
    expect(await healthOf(endpoint.id)).toMatchObject({
      enabled: true,
      failing_since: null,
      consecutive_failures: 0,
    });
    expect(ops.find(OPERATIONAL_EVENT_TYPES.endpointDisabled, endpoint.id)).toEqual([]);
    offset = 0;
  });
});
