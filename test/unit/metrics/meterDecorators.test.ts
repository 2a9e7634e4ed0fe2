import { describe, expect, it, vi } from 'vitest';
import { meterAttempts } from '../../../functions/adapters/metrics/meterAttempts.ts';
import { meterSettlements } from '../../../functions/adapters/metrics/meterSettlements.ts';
import type { AttemptRecord } from '../../../functions/ports/DeliveryLog.ts';
import type { ClaimedDelivery, Settlement } from '../../../functions/ports/DeliveryQueue.ts';

const fakeMetrics = () => ({ increment: vi.fn(), observe: vi.fn() });

const delivery: ClaimedDelivery = {
  id: 'd1',
  eventId: 'e1',
  endpointId: 'ep_1',
  tenantId: 'acme',
  eventType: 'orders.created',
  body: '{}',
  attempt: 1,
  receipt: 'r1',
};

function attempt(status: number | null, errorClass: string | null, latencyMs: number): AttemptRecord {
  return {
    deliveryId: 'd1',
    tenantId: 'acme',
    endpointId: 'ep_1',
    eventId: 'e1',
    attempt: 1,
    startedAt: new Date(0),
    webhookTimestamp: 0,
    status,
    latencyMs,
    errorClass,
    errorMessage: null,
    responseSnippet: null,
  };
}

describe('meterAttempts', () => {
  it('observes each stored attempt in seconds, labelled by status class or error class', async () => {
    const metrics = fakeMetrics();
    const inner = {
      record: vi.fn(async (_attempts: readonly AttemptRecord[]) => {}),
      listForDelivery: vi.fn(async (_deliveryId: string) => ['kept']),
    };
    const log = meterAttempts(inner, metrics);
    await log.record([attempt(204, null, 120), attempt(503, 'http', 40), attempt(null, 'timeout', 15_000)]);
    expect(inner.record).toHaveBeenCalledTimes(1);
    expect(metrics.observe.mock.calls).toEqual([
      [expect.objectContaining({ name: 'rowhook_attempt_duration_seconds' }), { result: '2xx' }, 0.12],
      [expect.anything(), { result: '5xx' }, 0.04],
      [expect.anything(), { result: 'timeout' }, 15],
    ]);
    // The log's other methods pass through untouched.
    expect(await log.listForDelivery('d1')).toEqual(['kept']);
    expect(inner.listForDelivery).toHaveBeenCalledWith('d1');
  });

  it('observes nothing when the batch could not be stored (it is recorded again, and counted then)', async () => {
    const metrics = fakeMetrics();
    const log = meterAttempts(
      { record: vi.fn(async (_attempts: readonly AttemptRecord[]) => Promise.reject(new Error('db down'))) },
      metrics,
    );
    await expect(log.record([attempt(200, null, 5)])).rejects.toThrow('db down');
    expect(metrics.observe).not.toHaveBeenCalled();
  });
});

describe('meterSettlements', () => {
  const settlements: Settlement[] = [
    { delivery, kind: 'delivered', status: 200 },
    { delivery, kind: 'delivered', status: 204 },
    { delivery, kind: 'retry', delayMs: 100, status: 500, error: 'HTTP 500' },
    { delivery, kind: 'dead', status: 500, error: 'HTTP 500' },
  ];

  it('counts stored settlements by outcome and keeps the settler’s other methods (SQS redelay)', async () => {
    const metrics = fakeMetrics();
    const inner = {
      settle: vi.fn(async (list: readonly Settlement[]) => ({
        applied: new Set(list.map((s) => s.delivery.id)),
      })),
      redelay: vi.fn(async () => 42),
    };
    const settler = meterSettlements(inner, metrics);
    await settler.settle(settlements);
    expect(inner.settle).toHaveBeenCalledWith(settlements);
    expect(metrics.increment.mock.calls).toEqual([
      [expect.objectContaining({ name: 'rowhook_deliveries_total' }), { outcome: 'delivered' }, 2],
      [expect.anything(), { outcome: 'retry' }, 1],
      [expect.anything(), { outcome: 'dead' }, 1],
    ]);
    expect(await settler.redelay()).toBe(42);
  });

  it('counts only the settlements the store applied (a superseded claim changed nothing)', async () => {
    const metrics = fakeMetrics();
    const distinct = settlements.map((s, i) => ({ ...s, delivery: { ...s.delivery, id: `dlv-${i}` } }));
    const settler = meterSettlements(
      { settle: vi.fn(async (_s: readonly Settlement[]) => ({ applied: new Set(['dlv-3']) })) },
      metrics,
    );
    await settler.settle(distinct);
    expect(metrics.increment.mock.calls).toEqual([
      [expect.objectContaining({ name: 'rowhook_deliveries_total' }), { outcome: 'dead' }, 1],
    ]);
  });

  it('counts nothing when settling failed', async () => {
    const metrics = fakeMetrics();
    const settler = meterSettlements(
      { settle: vi.fn(async (_s: readonly Settlement[]) => Promise.reject(new Error('x'))) },
      metrics,
    );
    await expect(settler.settle(settlements)).rejects.toThrow('x');
    expect(metrics.increment).not.toHaveBeenCalled();
  });
});
