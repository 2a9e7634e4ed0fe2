import { describe, expect, it, vi } from 'vitest';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import {
  DeliveryWorker,
  type DeliveryWorkerDependencies,
} from '../../../functions/pipeline/DeliveryWorker.ts';
import type { DeliveryQueue, Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import { delivery, endpoint, now } from './fixtures.ts';

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
