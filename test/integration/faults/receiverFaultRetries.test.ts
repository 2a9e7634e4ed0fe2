import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  deliveryOf,
  endpointWithTestEvent,
  resetAfterHeaders,
  useReceivers,
} from '../../support/faultyReceiver.ts';
import { useTestRuntime } from '../../support/startTestRuntime.ts';

// A short schedule: these tests watch the retry happen.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '100ms,100ms', ROWHOOK_DELIVERY_TIMEOUT: '1s' });

const receiver = useReceivers();

describe('faults that clear up are retried until delivered', () => {
  it('500 then 200: retried with the same webhook-id, then delivered', async () => {
    const r = await receiver();
    r.respondWithStatuses(500, 200);
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    await expect
      .poll(() => deliveryOf(harness, tenant.id))
      .toMatchObject({ state: 'delivered', attempts: 2, last_status: 200 });
    const attempts = await attemptsOf(harness, tenant.apiKey, endpoint.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.errorClass])).toEqual([
      [2, 200, null],
      [1, 500, 'http'],
    ]);
    expect(r.received).toHaveLength(2);
    expect(r.received[1]?.headers['webhook-id']).toBe(r.received[0]?.headers['webhook-id']);
  });

  it('a connection reset mid-response, then 200: retried, then delivered', async () => {
    const r = await receiver();
    r.respondWith((req, index, res) =>
      index === 0 ? resetAfterHeaders(req, index, res) : res.writeHead(200).end('ok'),
    );
    const { tenant, endpoint } = await endpointWithTestEvent(harness, r.url);
    await expect
      .poll(() => deliveryOf(harness, tenant.id))
      .toMatchObject({ state: 'delivered', attempts: 2, last_status: 200 });
    const attempts = await attemptsOf(harness, tenant.apiKey, endpoint.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.errorClass])).toEqual([
      [2, 200, null],
      [1, null, 'reset'],
    ]);
    expect(r.received).toHaveLength(2);
  });
});
