import { describe, expect, it, vi } from 'vitest';
import type { OutboxEvent } from '../../../functions/core/events/OutboxEvent.ts';
import { createRelayHandler } from '../../../functions/handlers/createRelayHandler.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import type { RelayDependencies } from '../../../functions/pipeline/relayOutbox.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

function outboxWith(batches: number[]) {
  let n = 0;
  return {
    claimUnpublished: vi.fn(async (_limit: number, publish: (events: OutboxEvent[]) => Promise<unknown>) => {
      const size = batches.shift() ?? 0;
      const events = Array.from({ length: size }, () => ({
        id: `e${n++}`,
        tenantId: 'acme',
        type: 'orders.insert',
        body: '{}',
        occurredAt: NOW,
        targetEndpointId: null,
      }));
      if (size > 0) await publish(events);
      return size;
    }),
  };
}

function harness(batches: number[], remainingMs = 60_000) {
  const enqueue = vi.fn(async (d: readonly unknown[]) => d.length);
  const relay = {
    outbox: outboxWith(batches),
    subscriptions: {
      listEnabledEndpoints: vi.fn(async () => [
        {
          id: 'ep_1',
          tenantId: 'acme',
          url: 'https://x',
          description: '',
          eventTypes: null,
          filter: null,
          enabled: true,
          disabledReason: null,
          createdAt: NOW,
          updatedAt: NOW,
        },
      ]),
      getEndpointsByIds: vi.fn(async () => []),
    },
    queue: { enqueue },
    matcher: new EndpointMatcher(),
  } as unknown as RelayDependencies;
  const metrics = { addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const handler = createRelayHandler({
    relay,
    options: { batchSize: 2, maxEventBytes: 1024 },
    logger,
    metrics,
  });
  return { handler, relay, metrics, logger, context: { getRemainingTimeInMillis: () => remainingMs } };
}

describe('relay handler', () => {
  it('drains until a batch comes back short', async () => {
    const { handler, context, metrics } = harness([2, 2, 1]);
    expect(await handler({ hint: 'orders' }, context)).toEqual({ batches: 3, claimed: 5, enqueued: 5 });
    expect(metrics.addMetric).toHaveBeenCalledWith('EventsRelayed', 'Count', 5);
    expect(metrics.publishStoredMetrics).toHaveBeenCalled();
  });

  it('stops starting batches when the invocation is about to time out', async () => {
    const { handler, logger } = harness([2, 2, 2], 5_000);
    expect((await handler({}, { getRemainingTimeInMillis: () => 5_000 })).batches).toBe(1);
    expect(logger.warn).toHaveBeenCalled();
  });

  it('logs, counts and rethrows a failed step', async () => {
    const { handler, relay, metrics, context } = harness([2]);
    vi.mocked(relay.queue.enqueue).mockRejectedValue(new Error('bus down'));
    await expect(handler({}, context)).rejects.toThrow('bus down');
    expect(metrics.addMetric).toHaveBeenCalledWith('RelayErrors', 'Count', 1);
  });
});
