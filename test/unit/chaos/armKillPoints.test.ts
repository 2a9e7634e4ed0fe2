import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidConfigError } from '../../../functions/local/errors.ts';
import type { ClaimedDelivery, DeliveryQueue } from '../../../functions/ports/DeliveryQueue.ts';
import type { WebhookSender } from '../../../functions/ports/WebhookSender.ts';
import { armKillPoints } from '../../support/chaos/armKillPoints.ts';

const delivery = { id: 'd1' } as ClaimedDelivery;

function fakeQueue(): DeliveryQueue & { extra(): string } {
  return {
    enqueue: async () => ({ enqueued: 0, rejected: [] }),
    claim: async () => [delivery],
    settle: async () => ({ applied: new Set<string>() }),
    extra: () => 'kept',
  };
}

const sender: WebhookSender = {
  send: async () => ({ ok: true, status: 200, headers: {}, snippet: '', latencyMs: 1 }),
  close: async () => {},
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('armKillPoints', () => {
  it('returns the parts untouched when ROWHOOK_CHAOS_KILL_AT is not set', () => {
    const queue = fakeQueue();
    expect(armKillPoints({}).queue(queue)).toBe(queue);
    expect(armKillPoints({}).sender(sender)).toBe(sender);
  });

  it('refuses a spec it cannot use, naming the variable and the points', () => {
    for (const spec of ['claimed', 'claimed:0', 'nowhere:1', 'sent:x']) {
      expect(() => armKillPoints({ ROWHOOK_CHAOS_KILL_AT: spec })).toThrow(InvalidConfigError);
    }
    expect(() => armKillPoints({ ROWHOOK_CHAOS_KILL_AT: 'nowhere:1' })).toThrow(
      /ROWHOOK_CHAOS_KILL_AT=nowhere:1: expected <point>:<n> .*relay-enqueued, relay-committed, claimed, sent/,
    );
  });

  it('SIGKILLs the process the n-th time the point is reached, and passes everything else through', async () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const points = armKillPoints({ ROWHOOK_CHAOS_KILL_AT: 'claimed:2' });
    const queue = points.queue(fakeQueue());
    const armedSender = points.sender(sender);

    // 'claimed' is reached when the worker takes deliveries on, claimed or handed over.
    points.taken([delivery]);
    expect(await queue.claim(1, 1000)).toEqual([delivery]);
    expect(await armedSender.send({ url: 'http://x', headers: {}, body: '' })).toMatchObject({ ok: true });
    expect(queue.extra()).toBe('kept');
    points.taken([]);
    expect(kill).not.toHaveBeenCalled();
    points.taken([delivery]);
    expect(kill).toHaveBeenCalledExactlyOnceWith(process.pid, 'SIGKILL');
    points.taken([delivery]);
    expect(kill).toHaveBeenCalledTimes(1);
  });
});
