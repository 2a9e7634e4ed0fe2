import type { DeliveryPublisher, EnqueueResult, NewDelivery } from '../ports/DeliveryQueue.ts';

const NOTHING: EnqueueResult = { enqueued: 0, rejected: [] };

/**
 * One publisher for the relay from two transports: deliveries that carry an ordering key (the relay
 * sets it only for per-key endpoints) go to `ordered`, which keeps each key's deliveries in order
 * (on AWS the FIFO queue); the rest go to `unordered` (the bus) exactly as before. Either failing
 * fails the enqueue, so the relay retries the batch: the bus may then publish twice (receivers
 * deduplicate by webhook-id), the ordered transport deduplicates by delivery.
 */
export function routeByOrdering(transports: {
  unordered: DeliveryPublisher;
  ordered: DeliveryPublisher;
}): DeliveryPublisher {
  return {
    async enqueue(deliveries) {
      const ordered: NewDelivery[] = [];
      const unordered: NewDelivery[] = [];
      for (const d of deliveries) (d.orderingKey === undefined ? unordered : ordered).push(d);
      const [a, b] = await Promise.all([
        unordered.length > 0 ? transports.unordered.enqueue(unordered) : NOTHING,
        ordered.length > 0 ? transports.ordered.enqueue(ordered) : NOTHING,
      ]);
      return { enqueued: a.enqueued + b.enqueued, rejected: [...a.rejected, ...b.rejected] };
    },
  };
}
