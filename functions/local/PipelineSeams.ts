import type { ClaimedDelivery, DeliveryQueue } from '../ports/DeliveryQueue.ts';
import type { OutboxSource } from '../ports/OutboxSource.ts';
import type { RecoveryJobs } from '../ports/Recoveries.ts';
import type { WebhookSender } from '../ports/WebhookSender.ts';

/**
 * Where a test may wrap the local pipeline's parts (the chaos tests crash the process between two
 * steps here). The runtime passes every part through; unset, nothing is wrapped.
 */
export interface PipelineSeams {
  outbox<T extends OutboxSource>(outbox: T): T;
  queue<T extends DeliveryQueue>(queue: T): T;
  sender<T extends WebhookSender>(sender: T): T;
  /** The worker took these on, claimed or handed over by the relay, before attempting any. */
  taken(deliveries: readonly ClaimedDelivery[]): void;
  /** Recover jobs' batches (optional: seams written before recover need not name it). */
  recoveries?<T extends RecoveryJobs>(jobs: T): T;
}

export const NO_SEAMS: PipelineSeams = {
  outbox: (outbox) => outbox,
  queue: (queue) => queue,
  sender: (sender) => sender,
  taken: () => {},
};
