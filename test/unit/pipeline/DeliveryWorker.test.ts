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

/** A worker whose queue and receiver the test drives: the receiver answers when told to. */
function handoffHarness(options: {
  holdLimit: number;
  startWithinMs?: number;
  clock?: () => Date;
  concurrency?: number;
}) {
  const released: string[] = [];
  const claims: number[] = [];
  const sent: string[] = [];
  /** Answers the oldest request still open, with 204 unless told otherwise. */
  const answers: ((status?: number) => void)[] = [];
  const queue: DeliveryQueue = {
    enqueue: async () => ({ enqueued: 0, rejected: [] }),
    claim: async (limit) => {
      claims.push(limit);
      return [];
    },
    settle: async (list) => ({ applied: new Set(list.map((s) => s.delivery.id)) }),
    release: async (list) => {
      released.push(...list.map((d) => d.id));
    },
  };
  const onRoom = vi.fn();
  const deps = {
    queue,
    subscriptions: { getEndpointsByIds: async () => [endpoint], disableEndpoint: async () => true },
    secrets: { activeSecrets: async () => new Map([['ep_1', [generateSecret()]]]) },
    log: { record: async () => {} },
    sender: {
      send: (request: { body: string }) =>
        new Promise((resolve) => {
          sent.push(request.body);
          answers.push((status = 204) =>
            resolve({ ok: true, status, headers: {}, snippet: '', latencyMs: 1 }),
          );
        }),
      close: async () => {},
    },
    schedule: parseRetrySchedule('5s'),
    now: options.clock ?? (() => new Date()),
    random: () => 0.5,
    onError: (error: unknown) => {
      throw error;
    },
    onRoom,
  } as unknown as DeliveryWorkerDependencies;
  const worker = new DeliveryWorker(deps, {
    concurrency: options.concurrency ?? 2,
    leaseMs: 60_000,
    pollIntervalMs: 60_000,
    flushSize: 1,
    flushDelayMs: 0,
    holdLimit: options.holdLimit,
    startWithinMs: options.startWithinMs ?? 30_000,
  });
  const batch = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      ...delivery,
      id: `d${from + i}`,
      body: `{"n":${from + i}}`,
    }));
  return { worker, released, claims, sent, answers, onRoom, batch };
}

describe('DeliveryWorker handover from the relay', () => {
  it('attempts handed-over deliveries without a claim, holding at most holdLimit, and asks for more once it has room', async () => {
    const h = handoffHarness({ holdLimit: 4 });
    h.worker.start();
    await vi.waitFor(() => expect(h.claims).toHaveLength(1)); // the start-up claim only
    const handoff = h.worker.handoff();
    // As the relay does: room before each step, wants per delivery during it, accept after.
    expect(handoff.room()).toBe(4);
    expect(handoff.wants({ ...delivery })).toBe(true);
    handoff.accept(h.batch(0, 5));
    await vi.waitFor(() => expect(h.sent).toEqual(['{"n":0}', '{"n":1}']));
    expect(handoff.room()).toBe(1); // 3 waiting
    handoff.accept(h.batch(5, 2));
    expect(handoff.room()).toBeLessThanOrEqual(0);
    expect(h.onRoom).not.toHaveBeenCalled();
    // Answer until fewer than half the limit wait: the relay is asked for more.
    for (let answered = 0; answered < 5; answered++) {
      h.answers.shift()?.();
      await vi.waitFor(() => expect(h.sent.length).toBe(Math.min(7, 3 + answered)));
      if (answered < 2) expect(h.onRoom).not.toHaveBeenCalled();
    }
    expect(h.onRoom).toHaveBeenCalledTimes(1);
    expect(h.claims).toHaveLength(1);
    for (const answer of h.answers.splice(0)) answer();
    await h.worker.stop();
    expect(h.released).toEqual([]);
  });

  it('hands a delivery back to the queue instead of starting it after its start-by time', async () => {
    let clock = new Date('2026-11-28T10:00:00.000Z').getTime();
    const h = handoffHarness({ holdLimit: 10, startWithinMs: 1_000, clock: () => new Date(clock) });
    h.worker.start();
    await vi.waitFor(() => expect(h.claims).toHaveLength(1));
    const handoff = h.worker.handoff();
    handoff.room();
    handoff.accept(h.batch(0, 3));
    await vi.waitFor(() => expect(h.sent).toHaveLength(2));
    clock += 1_001;
    h.answers.shift()?.();
    await vi.waitFor(() => expect(h.released).toEqual(['d2']));
    expect(h.sent).toHaveLength(2);
    for (const answer of h.answers.splice(0)) answer();
    await h.worker.stop();
  });

  it('releases what it still holds when stopped, and waits for the attempts in flight', async () => {
    const h = handoffHarness({ holdLimit: 10 });
    h.worker.start();
    await vi.waitFor(() => expect(h.claims).toHaveLength(1));
    h.worker.handoff().room();
    h.worker.handoff().accept(h.batch(0, 5));
    await vi.waitFor(() => expect(h.sent).toHaveLength(2));
    const stopped = h.worker.stop();
    await vi.waitFor(() => expect(h.released).toEqual(['d2', 'd3', 'd4']));
    for (const answer of h.answers.splice(0)) answer();
    await stopped;
    expect(h.sent).toHaveLength(2);
    expect(h.worker.handoff().wants({ ...delivery })).toBe(false);
  });

  it('counts what it said yes to during a relay step, so one batch cannot overfill an endpoint', async () => {
    const h = handoffHarness({ holdLimit: 1_000 });
    h.worker.start();
    await vi.waitFor(() => expect(h.claims).toHaveLength(1));
    const handoff = h.worker.handoff();
    expect(handoff.room()).toBe(1_000);
    const answers = Array.from({ length: 250 }, () => handoff.wants({ ...delivery }));
    // 20 rounds of the endpoint's 10 slots while its pace is unknown.
    expect(answers.filter(Boolean)).toHaveLength(200);
    expect(handoff.room()).toBe(1_000); // the next step starts afresh
    expect(handoff.wants({ ...delivery })).toBe(true);
    await h.worker.stop();
  });
});

describe('DeliveryWorker after a 410', () => {
  it('hands what waits for the endpoint back to the queue instead of sending it after the 410', async () => {
    const h = handoffHarness({ holdLimit: 10, concurrency: 1 });
    h.worker.start();
    await vi.waitFor(() => expect(h.claims).toHaveLength(1));
    const handoff = h.worker.handoff();
    handoff.room();
    handoff.accept(h.batch(0, 4));
    await vi.waitFor(() => expect(h.sent).toHaveLength(1));
    h.answers.shift()?.(410);
    await vi.waitFor(() => expect(h.released).toEqual(['d1', 'd2', 'd3']));
    expect(h.sent).toHaveLength(1);
    await h.worker.stop();
  });
});
