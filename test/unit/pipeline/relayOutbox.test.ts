import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../functions/core/events/OutboxEvent.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { type RelayDependencies, relayOutbox } from '../../../functions/pipeline/relayOutbox.ts';
import type {
  DeliveryPublisher,
  EnqueueResult,
  NewDelivery,
  RejectedDelivery,
} from '../../../functions/ports/DeliveryQueue.ts';
import type { OutboxSource, PublishOutcome } from '../../../functions/ports/OutboxSource.ts';

const T0 = new Date('2026-01-01T00:00:00Z');

/** An outbox table in memory: claims the oldest unpublished rows, records what publish decided. */
class FakeOutbox implements OutboxSource {
  readonly rows: (OutboxEvent & { published: boolean; publishError: string | null })[] = [];

  add(event: Partial<OutboxEvent> & { id: string }): void {
    this.rows.push({
      tenantId: 'acme',
      type: 'order.created',
      body: '{"type":"order.created","data":{"total":10}}',
      occurredAt: T0,
      targetEndpointId: null,
      ...event,
      published: false,
      publishError: null,
    });
  }

  async claimUnpublished(limit: number, publish: (events: OutboxEvent[]) => Promise<PublishOutcome>) {
    const claimed = this.rows.filter((r) => !r.published).slice(0, limit);
    if (claimed.length === 0) return 0;
    const outcome = await publish(
      claimed.map(({ published: _p, publishError: _e, ...event }) => ({ ...event })),
    );
    const reasons = new Map(outcome.rejected.map((r) => [r.eventId, r.reason]));
    for (const row of claimed) {
      row.published = true;
      row.publishError = reasons.get(row.id) ?? null;
    }
    return claimed.length;
  }

  error(id: string): string | null | undefined {
    return this.rows.find((r) => r.id === id)?.publishError;
  }
}

type RelaySubscriptions = RelayDependencies['subscriptions'];

class FakeSubscriptions implements RelaySubscriptions {
  readonly endpoints: Endpoint[] = [];

  add(endpoint: Partial<Endpoint> & { id: string }): void {
    this.endpoints.push({
      tenantId: 'acme',
      url: `https://example.com/${endpoint.id}`,
      description: '',
      eventTypes: null,
      filter: null,
      enabled: true,
      disabledReason: null,
      createdAt: T0,
      updatedAt: T0,
      ...endpoint,
    });
  }

  async listEnabledEndpoints(tenantIds: readonly string[]) {
    return this.endpoints.filter((e) => e.enabled && tenantIds.includes(e.tenantId));
  }

  async getEndpointsByIds(ids: readonly string[]) {
    return this.endpoints.filter((e) => ids.includes(e.id));
  }
}

/** Accepts every delivery except those `refuse` names; idempotent per (event, endpoint). */
class FakePublisher implements DeliveryPublisher {
  readonly sent: NewDelivery[] = [];
  refuse: (d: NewDelivery) => string | null = () => null;

  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    const rejected: RejectedDelivery[] = [];
    let enqueued = 0;
    for (const d of deliveries) {
      const reason = this.refuse(d);
      if (reason) {
        rejected.push({ eventId: d.eventId, endpointId: d.endpointId, reason });
      } else if (!this.sent.some((s) => s.eventId === d.eventId && s.endpointId === d.endpointId)) {
        this.sent.push(d);
        enqueued++;
      }
    }
    return { enqueued, rejected };
  }

  pairs(): string[] {
    return this.sent.map((d) => `${d.eventId}->${d.endpointId}`).sort();
  }
}

function setup() {
  const outbox = new FakeOutbox();
  const subscriptions = new FakeSubscriptions();
  const queue = new FakePublisher();
  const deps: RelayDependencies = { outbox, subscriptions, queue, matcher: new EndpointMatcher() };
  const run = (batchSize = 100, maxEventBytes = 1024) => relayOutbox(deps, { batchSize, maxEventBytes });
  return { outbox, subscriptions, queue, run };
}

describe('relayOutbox', () => {
  it('fans each event out to the endpoints of its tenant matched by event type and filter', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_all' });
    subscriptions.add({ id: 'ep_created', eventTypes: ['order.created'] });
    subscriptions.add({ id: 'ep_orders', eventTypes: ['order.*'] });
    subscriptions.add({ id: 'ep_big', filter: { data: { total: [{ numeric: ['>', 100] }] } } });
    subscriptions.add({ id: 'ep_off', enabled: false });
    subscriptions.add({ id: 'ep_other_tenant', tenantId: 'globex' });
    outbox.add({ id: 'e1' });
    outbox.add({ id: 'e2', type: 'order.updated', body: '{"type":"order.updated","data":{"total":500}}' });
    outbox.add({ id: 'e3', type: 'invoice.paid', body: '{"data":{}}' });

    const result = await run();

    expect(result).toMatchObject({ claimed: 3, enqueued: 7, rejected: [] });
    expect(queue.pairs()).toEqual([
      'e1->ep_all',
      'e1->ep_created',
      'e1->ep_orders',
      'e2->ep_all',
      'e2->ep_big',
      'e2->ep_orders',
      'e3->ep_all',
    ]);
    expect(outbox.rows.every((r) => r.published && r.publishError === null)).toBe(true);
  });

  it('carries the exact body, type and tenant on each delivery', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    const body = '{"type":"order.created","data":{"id":12345678901234567890}}';
    outbox.add({ id: 'e1', body });
    await run();
    expect(queue.sent).toEqual([
      { eventId: 'e1', endpointId: 'ep_1', tenantId: 'acme', eventType: 'order.created', body },
    ]);
  });

  it('sends a test event only to its target endpoint, even a disabled one', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    subscriptions.add({ id: 'ep_2', enabled: false, eventTypes: ['nothing.matches'] });
    outbox.add({ id: 't1', type: 'rowhook.test', targetEndpointId: 'ep_2' });
    outbox.add({ id: 'e1' });
    await run();
    expect(queue.pairs()).toEqual(['e1->ep_1', 't1->ep_2']);
  });

  it('rejects an event over maxEventBytes with a reason and enqueues nothing for it', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    outbox.add({ id: 'big', body: JSON.stringify({ blob: 'x'.repeat(2_000) }) });
    outbox.add({ id: 'small' });

    const result = await run(100, 1024);

    expect(queue.pairs()).toEqual(['small->ep_1']);
    expect(result.rejected).toEqual([
      {
        eventId: 'big',
        reason: expect.stringMatching(/^event body is 2011 bytes, over the 1024-byte limit/),
      },
    ]);
    expect(outbox.error('big')).toMatch(/over the 1024-byte limit/);
    expect(outbox.rows.find((r) => r.id === 'big')?.published).toBe(true);
    expect(outbox.error('small')).toBeNull();
  });

  it('records a delivery the publisher refused as the event publish error', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    subscriptions.add({ id: 'ep_2' });
    outbox.add({ id: 'e1' });
    outbox.add({ id: 'e2' });
    queue.refuse = (d) => (d.eventId === 'e1' ? 'bus entry is 1100000 bytes' : null);

    const result = await run();

    expect(result.enqueued).toBe(2);
    expect(result.rejected).toEqual([
      { eventId: 'e1', reason: 'not delivered to any of its 2 endpoint(s): bus entry is 1100000 bytes' },
    ]);
    expect(outbox.error('e1')).toBe(result.rejected[0]?.reason);
    expect(outbox.error('e2')).toBeNull();
    expect(queue.pairs()).toEqual(['e2->ep_1', 'e2->ep_2']);
  });

  it('still delivers to the endpoints the publisher accepted and says so in the reason', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    subscriptions.add({ id: 'ep_2' });
    subscriptions.add({ id: 'ep_3' });
    outbox.add({ id: 'e1' });
    queue.refuse = (d) => (d.endpointId === 'ep_2' ? 'too large with its headers' : null);

    const result = await run();

    expect(queue.pairs()).toEqual(['e1->ep_1', 'e1->ep_3']);
    expect(result.rejected).toEqual([
      {
        eventId: 'e1',
        reason:
          'not delivered to 1 of its 3 endpoint(s) (ep_2; the others were sent): too large with its headers',
      },
    ]);
    expect(outbox.error('e1')).toBe(result.rejected[0]?.reason);
  });

  it('reports when the oldest event of the step happened, and nothing for an empty outbox', async () => {
    const { outbox, subscriptions, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    expect(await run()).toEqual({ claimed: 0, enqueued: 0, rejected: [], oldestOccurredAt: null });

    outbox.add({ id: 'e1', occurredAt: new Date(T0.getTime() + 5_000) });
    outbox.add({ id: 'e2', occurredAt: T0 });
    outbox.add({ id: 'e3', occurredAt: new Date(T0.getTime() + 9_000) });
    const first = await run(2);
    expect(first.claimed).toBe(2);
    expect(first.oldestOccurredAt).toEqual(T0);
    expect((await run(2)).oldestOccurredAt).toEqual(new Date(T0.getTime() + 9_000));
  });

  it('counts an event with no matching endpoint as relayed, with nothing enqueued', async () => {
    const { outbox, queue, run } = setup();
    outbox.add({ id: 'e1' });
    expect(await run()).toMatchObject({ claimed: 1, enqueued: 0, rejected: [] });
    expect(queue.sent).toEqual([]);
    expect(outbox.rows[0]?.published).toBe(true);
  });

  it('leaves the batch unpublished when the publisher throws', async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_1' });
    outbox.add({ id: 'e1' });
    queue.enqueue = async () => {
      throw new Error('bus down');
    };
    await expect(run()).rejects.toThrow('bus down');
    expect(outbox.rows[0]?.published).toBe(false);
  });
});

describe('relayOutbox with keyed events (the AWS claim)', () => {
  it("gives the event's key to per-key endpoints' deliveries only", async () => {
    const { outbox, subscriptions, queue, run } = setup();
    subscriptions.add({ id: 'ep_ordered', ordering: 'per-key' });
    subscriptions.add({ id: 'ep_plain' });
    outbox.add({ id: 'e1', orderingKey: 'public.orders:[42]' });
    outbox.add({ id: 'e2' });
    await run();
    const keys = queue.sent.map((d) => [`${d.eventId}->${d.endpointId}`, d.orderingKey]);
    expect(keys.sort()).toEqual([
      ['e1->ep_ordered', 'public.orders:[42]'],
      ['e1->ep_plain', undefined],
      ['e2->ep_ordered', undefined],
      ['e2->ep_plain', undefined],
    ]);
  });
});
