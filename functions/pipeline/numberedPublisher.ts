import type { DeliveryPublisher, EnqueueOptions, NewDelivery } from '../ports/DeliveryQueue.ts';
import type { DeliverySequences } from '../ports/DeliverySequences.ts';
import { MissingSequenceError } from './errors.ts';

/**
 * A publisher that numbers deliveries before handing them on: the numbers are committed by
 * `sequences.assign` before `inner.enqueue` sends anything, so a number that reaches a receiver is
 * never given to another delivery, whatever happens to the relay afterwards.
 */
export function numberedPublisher(sequences: DeliverySequences, inner: DeliveryPublisher): DeliveryPublisher {
  return {
    async enqueue(deliveries: readonly NewDelivery[], options?: EnqueueOptions) {
      if (deliveries.length === 0) return inner.enqueue(deliveries, options);
      const numbers = await sequences.assign(deliveries);
      const numbered = deliveries.map((delivery) => {
        const sequence = numbers.get(`${delivery.eventId}/${delivery.endpointId}`);
        if (sequence === undefined) throw new MissingSequenceError(delivery.eventId, delivery.endpointId);
        return { ...delivery, sequence };
      });
      return inner.enqueue(numbered, options);
    },
  };
}
