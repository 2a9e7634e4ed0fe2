import { describe, expect, it, vi } from 'vitest';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import {
  DeliveryWorker,
  type DeliveryWorkerDependencies,
} from '../../../functions/pipeline/DeliveryWorker.ts';
import type { ClaimedDelivery, DeliveryQueue, Settlement } from '../../../functions/ports/DeliveryQueue.ts';

const now = new Date('2026-12-01T10:00:00.000Z');
const delivery: ClaimedDelivery = {
  id: '01937a4c-0000-7000-8000-000000000001',
  eventId: '01937a4c-9b2e-7c3d-8f1a-2b3c4d5e6f70',
  endpointId: 'ep_1',
  tenantId: 'acme',
  eventType: 'orders.created',
  body: '{"type":"orders.created","data":{}}',
  attempt: 1,
  receipt: 'r1',
};
const endpoint: Endpoint = {
  id: 'ep_1',
  tenantId: 'acme',
  url: 'https://receiver.example/hooks',
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: now,
  updatedAt: now,
};

/** One claimed delivery answered 410 Gone; the queue applies the settlement or not, as told. */
async function runOnce(applies: boolean) {
  const settled: Settlement[] = [];
  let handedOut = false;
  const queue: DeliveryQueue = {
    enqueue: async () => ({ enqueued: 0, rejected: [] }),
    claim: async () => {
      if (handedOut) return [];
      handedOut = true;
      return [delivery];
    },
    settle: async (list) => {
      settled.push(...list);
      return { applied: new Set(applies ? list.map((s) => s.delivery.id) : []) };
    },
  };
  const disable = vi.fn(async () => true);
  const record = vi.fn(async () => {});
  const deps = {
    queue,
    subscriptions: { getEndpointsByIds: async () => [endpoint] },
    secrets: { activeSecrets: async () => new Map([['ep_1', [generateSecret()]]]) },
    log: { record: async () => {} },
    sender: {
      send: async () => ({ ok: true, status: 410, headers: {}, snippet: '', latencyMs: 2 }),
      close: async () => {},
    },
    schedule: parseRetrySchedule('5s'),
    now: () => now,
    random: () => 0.5,
    onError: (error: unknown) => {
      throw error;
    },
    health: {
      health: { read: async () => new Map(), replace: async () => true, disable },
      operationalEvents: { record, list: async () => ({ items: [], nextCursor: null }) },
      disableAfterMs: 5 * 24 * 3600_000,
    },
  } as unknown as DeliveryWorkerDependencies;
  const worker = new DeliveryWorker(deps, {
    concurrency: 4,
    leaseMs: 60_000,
    pollIntervalMs: 60_000,
    flushSize: 1,
    flushDelayMs: 0,
  });
  worker.start();
  await vi.waitFor(() => expect(settled).toHaveLength(1));
  await worker.stop();
  return { settled, disable, record };
}

describe('DeliveryWorker', () => {
  it('acts on a settlement the queue applied: a 410 disables the endpoint and raises an event', async () => {
    const { settled, disable, record } = await runOnce(true);
    expect(settled[0]?.kind).toBe('dead');
    expect(disable).toHaveBeenCalledTimes(1);
    expect(record.mock.calls.flat(2)).toEqual([expect.objectContaining({ type: 'endpoint.disabled' })]);
  });

  it('ignores a settlement the queue did not apply (a newer claim owns the delivery)', async () => {
    const { settled, disable, record } = await runOnce(false);
    expect(settled[0]?.kind).toBe('dead');
    expect(disable).not.toHaveBeenCalled();
    expect(record.mock.calls.flat(2)).toEqual([]);
  });
});
