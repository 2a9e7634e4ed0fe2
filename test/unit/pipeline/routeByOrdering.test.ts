import { describe, expect, it } from 'vitest';
import { routeByOrdering } from '../../../functions/pipeline/routeByOrdering.ts';
import type { DeliveryPublisher, NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const d = (eventId: string, orderingKey?: string): NewDelivery => ({
  eventId,
  endpointId: 'ep',
  tenantId: 'acme',
  eventType: 't',
  body: '{}',
  ...(orderingKey === undefined ? {} : { orderingKey }),
});

function recording(rejectFirst = false) {
  const seen: string[][] = [];
  const publisher: DeliveryPublisher = {
    async enqueue(deliveries) {
      seen.push(deliveries.map((x) => x.eventId));
      return {
        enqueued: deliveries.length - (rejectFirst ? 1 : 0),
        rejected: rejectFirst
          ? [{ eventId: deliveries[0]?.eventId ?? '', endpointId: 'ep', reason: 'no' }]
          : [],
      };
    },
  };
  return { publisher, seen };
}

describe('routeByOrdering', () => {
  it('sends keyed deliveries to the ordered transport in order, the rest to the unordered one, and sums the results', async () => {
    const unordered = recording();
    const ordered = recording(true);
    const result = await routeByOrdering({
      unordered: unordered.publisher,
      ordered: ordered.publisher,
    }).enqueue([d('e1'), d('e2', 'k'), d('e3'), d('e4', 'k')]);
    expect(unordered.seen).toEqual([['e1', 'e3']]);
    expect(ordered.seen).toEqual([['e2', 'e4']]);
    expect(result).toEqual({ enqueued: 3, rejected: [{ eventId: 'e2', endpointId: 'ep', reason: 'no' }] });
  });

  it('does not call a transport with nothing to send', async () => {
    const unordered = recording();
    const ordered = recording();
    await routeByOrdering({ unordered: unordered.publisher, ordered: ordered.publisher }).enqueue([d('e1')]);
    expect(ordered.seen).toEqual([]);
    expect(unordered.seen).toEqual([['e1']]);
  });
});
