import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { ReadyDeliveries, type ReadyDelivery } from '../../../functions/pipeline/ReadyDeliveries.ts';
import { delivery, endpoint } from './fixtures.ts';

const T0 = 1_000_000;

const options = (endpointConcurrency: number, breakerFailures: number) => ({
  endpointConcurrency,
  breakerFailures,
  holdPerEndpoint: 200,
  startWithinMs: 60_000,
});

function ready(
  tenantId: string,
  endpointId: string,
  n: number,
  overrides: Partial<Endpoint> = {},
): ReadyDelivery {
  return {
    delivery: { ...delivery, id: `${endpointId}-${n}`, tenantId, endpointId },
    endpoint: { ...endpoint, id: endpointId, tenantId, ...overrides },
    secrets: ['whsec_x'],
    sendBy: T0 + 60_000,
  };
}

function takeAll(queue: ReadyDeliveries, now = T0): string[] {
  const ids: string[] = [];
  for (;;) {
    const { ready: next } = queue.take(now);
    if (!next) return ids;
    ids.push(next.delivery.id);
  }
}

describe('ReadyDeliveries', () => {
  it('takes turns over tenants first, then over a tenant’s endpoints, whatever the backlog', () => {
    const queue = new ReadyDeliveries(options(100, 5));
    for (let n = 0; n < 6; n++) queue.add(ready('flood', 'f1', n));
    for (let n = 0; n < 2; n++) queue.add(ready('flood', 'f2', n));
    queue.add(ready('quiet', 'q1', 0));
    expect(takeAll(queue).slice(0, 4)).toEqual(['f1-0', 'q1-0', 'f2-0', 'f1-1']);
    expect(queue.size).toBe(0);
  });

  it('keeps each endpoint within its cap, and frees a slot when an attempt finishes', () => {
    const queue = new ReadyDeliveries(options(2, 5));
    for (let n = 0; n < 4; n++) queue.add(ready('a', 'slow', n));
    queue.add(ready('a', 'capped', 0, { maxConcurrency: 1 }));
    queue.add(ready('a', 'capped', 1, { maxConcurrency: 1 }));
    expect(takeAll(queue)).toEqual(['slow-0', 'capped-0', 'slow-1']);
    expect(queue.inFlightFor('slow')).toBe(2);
    expect(queue.waitingFor('slow')).toBe(2);
    queue.finished({ ...delivery, endpointId: 'slow' }, true);
    expect(takeAll(queue)).toEqual(['slow-2']);
    queue.finished({ ...delivery, endpointId: 'capped' }, true);
    expect(takeAll(queue)).toEqual(['capped-1']);
  });

  it('gives an endpoint one probe in flight after `breakerFailures` failures in a row, until one succeeds', () => {
    const queue = new ReadyDeliveries(options(10, 2));
    for (let n = 0; n < 6; n++) queue.add(ready('a', 'e', n));
    const first = takeAll(queue);
    expect(first).toHaveLength(6);
    for (let n = 0; n < 6; n++) queue.add(ready('a', 'e', n + 10));
    queue.finished({ ...delivery, endpointId: 'e' }, false);
    queue.finished({ ...delivery, endpointId: 'e' }, false);
    expect(queue.isTripped('e')).toBe(true);
    for (let n = 0; n < 4; n++) queue.finished({ ...delivery, endpointId: 'e' }, null);
    expect(takeAll(queue)).toEqual(['e-10']);
    expect(takeAll(queue)).toEqual([]);
    queue.finished({ ...delivery, endpointId: 'e' }, true);
    expect(queue.isTripped('e')).toBe(false);
    expect(takeAll(queue)).toHaveLength(5);
  });

  it('holds an endpoint to its rate limit and says when the next token comes', () => {
    const queue = new ReadyDeliveries(options(100, 5));
    for (let n = 0; n < 8; n++) queue.add(ready('a', 'limited', n, { rateLimitPerSecond: 5 }));
    expect(takeAll(queue, T0)).toHaveLength(5);
    const held = queue.take(T0);
    expect(held.ready).toBeUndefined();
    expect(held.wakeAt).toBe(T0 + 200);
    expect(takeAll(queue, T0 + 200)).toEqual(['limited-5']);
    expect(takeAll(queue, T0 + 1_000)).toEqual(['limited-6', 'limited-7']);
  });

  it('hands back what is waiting, leaving what is in flight', () => {
    const queue = new ReadyDeliveries(options(1, 5));
    for (let n = 0; n < 3; n++) queue.add(ready('a', 'e', n));
    expect(takeAll(queue)).toEqual(['e-0']);
    expect(queue.drain().map((r) => r.delivery.id)).toEqual(['e-1', 'e-2']);
    expect(queue.size).toBe(0);
    expect(queue.inFlightFor('e')).toBe(1);
  });

  it('takes deliveries past their start-by time out first, without spending a slot or a token', () => {
    const queue = new ReadyDeliveries(options(1, 5));
    for (let n = 0; n < 3; n++)
      queue.add({ ...ready('a', 'e', n, { rateLimitPerSecond: 1 }), sendBy: T0 - 1 });
    queue.add(ready('a', 'e', 3, { rateLimitPerSecond: 1 }));
    const taken = queue.take(T0);
    expect(taken.late.map((r) => r.delivery.id)).toEqual(['e-0', 'e-1', 'e-2']);
    expect(taken.ready?.delivery.id).toBe('e-3');
    expect(queue.size).toBe(0);
  });

  it('lets a slow endpoint hold only what its slots get through in half the start window', () => {
    const queue = new ReadyDeliveries({ ...options(10, 5), startWithinMs: 10_000 });
    queue.add(ready('a', 'fast', 0));
    queue.add(ready('a', 'slow', 0));
    expect(queue.holdFor('slow')).toBe(200); // nothing known yet: the most
    takeAll(queue);
    queue.finished({ ...delivery, endpointId: 'fast' }, true, 2);
    queue.finished({ ...delivery, endpointId: 'slow' }, true, 2_000);
    expect(queue.holdFor('fast')).toBe(200);
    expect(queue.holdFor('slow')).toBe(25); // 10 slots × 5 s ÷ 2 s
  });
});
