import type { NewDelivery } from './DeliveryQueue.ts';

/**
 * Per-endpoint sequence numbers for transports that publish before the relay's outbox transaction
 * commits (AWS): numbers are assigned and committed before `assign` returns, and a delivery that
 * already has one (a retry of a batch that was numbered and then failed) gets the same one back.
 */
export interface DeliverySequences {
  /** Every given delivery's number, keyed by `${eventId}/${endpointId}`; new ones in the given order. */
  assign(
    deliveries: readonly Pick<NewDelivery, 'eventId' | 'endpointId' | 'tenantId'>[],
  ): Promise<Map<string, number>>;
}
