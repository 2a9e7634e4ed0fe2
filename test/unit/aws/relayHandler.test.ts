import { describe, expect, it, vi } from 'vitest';
import type { OutboxEvent } from '../../../functions/core/events/OutboxEvent.ts';
import { createRelayHandler } from '../../../functions/handlers/createRelayHandler.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import type { RelayDependencies } from '../../../functions/pipeline/relayOutbox.ts';
import type { RejectedDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
/** The alarm and the local /metrics use this exact name (functions/core/metrics/constants.ts). */
const OUTBOX_LAG = 'rowhook_outbox_lag_seconds';

/** Each batch is a count of events, or the ages in ms (relative to NOW) of its events. */
function outboxWith(batches: (number | number[])[]) {
  let n = 0;
  return {
    claimUnpublished: vi.fn(async (_limit: number, publish: (events: OutboxEvent[]) => Promise<unknown>) => {
      const batch = batches.shift() ?? 0;
      const ages = typeof batch === 'number' ? Array.from({ length: batch }, () => 0) : batch;
      const size = ages.length;
      const events = ages.map((ageMs) => ({
        id: `e${n++}`,
        tenantId: 'acme',
        type: 'orders.insert',
        body: '{}',
        occurredAt: new Date(NOW.getTime() - ageMs),
        targetEndpointId: null,
      }));
      if (size > 0) await publish(events);
      return size;
    }),
  };
}

function harness(batches: (number | number[])[], remainingMs = 60_000) {
  const enqueue = vi.fn(async (d: readonly unknown[]) => ({
    enqueued: d.length,
    rejected: [] as RejectedDelivery[],
  }));
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
    now: () => NOW,
  });
  return { handler, relay, metrics, logger, context: { getRemainingTimeInMillis: () => remainingMs } };
}

describe('relay handler', () => {
  it('drains until a batch comes back short', async () => {
    const { handler, context, metrics } = harness([2, 2, 1]);
    expect(await handler({ hint: 'orders' }, context)).toEqual({
      batches: 3,
      claimed: 5,
      enqueued: 5,
      rejected: 0,
      lagMs: 0,
    });
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

  it('reports the age of the oldest event claimed as rowhook_outbox_lag_seconds, in seconds', async () => {
    const { handler, context, metrics } = harness([[1_500, 40_000], [250]]);
    expect((await handler({}, context)).lagMs).toBe(40_000);
    const lag = vi.mocked(metrics.addMetric).mock.calls.filter(([name]) => name === OUTBOX_LAG);
    expect(lag).toEqual([[OUTBOX_LAG, 'Seconds', 40]]);
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it('reports lag 0 when a run found the outbox empty, so an idle system keeps the series going', async () => {
    const { handler, context, metrics } = harness([0]);
    expect(await handler({}, context)).toMatchObject({ claimed: 0, lagMs: 0 });
    const lag = vi.mocked(metrics.addMetric).mock.calls.filter(([name]) => name === OUTBOX_LAG);
    expect(lag).toEqual([[OUTBOX_LAG, 'Seconds', 0]]);
  });

  it('reports no lag when a run failed before claiming anything (the lag alarm treats that as breaching)', async () => {
    const { handler, relay, metrics, context } = harness([]);
    vi.mocked(relay.outbox.claimUnpublished).mockRejectedValueOnce(new Error('Data API unreachable'));
    await expect(handler({}, context)).rejects.toThrow('Data API unreachable');
    expect(metrics.addMetric).toHaveBeenCalledWith('RelayErrors', 'Count', 1);
    expect(metrics.addMetric).not.toHaveBeenCalledWith(OUTBOX_LAG, expect.anything(), expect.anything());
    expect(metrics.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it('still reports the lag of the steps that completed before one failed', async () => {
    const { handler, relay, metrics, context } = harness([[5_000, 0], [1]]);
    vi.mocked(relay.queue.enqueue)
      .mockResolvedValueOnce({ enqueued: 2, rejected: [] })
      .mockRejectedValueOnce(new Error('bus down'));
    await expect(handler({}, context)).rejects.toThrow('bus down');
    expect(metrics.addMetric).toHaveBeenCalledWith(OUTBOX_LAG, 'Seconds', 5);
  });

  it('logs and counts events the transport refused', async () => {
    const { handler, relay, metrics, logger, context } = harness([1]);
    vi.mocked(relay.queue.enqueue).mockResolvedValueOnce({
      enqueued: 0,
      rejected: [{ eventId: 'e0', endpointId: 'ep_1', reason: 'bus entry too large' }],
    });
    expect(await handler({}, context)).toMatchObject({ claimed: 1, enqueued: 0, rejected: 1 });
    expect(metrics.addMetric).toHaveBeenCalledWith('EventsRejected', 'Count', 1);
    expect(logger.error).toHaveBeenCalledWith(
      'event not delivered',
      expect.objectContaining({ eventId: 'e0', reason: expect.stringContaining('bus entry too large') }),
    );
  });
});
