import type { Page } from './SubscriptionStore.ts';

/** An outbox event the relay could not publish (whole, or to some endpoints), kept with the reason. */
export interface FailedEvent {
  id: string;
  tenantId: string;
  eventType: string;
  createdAt: Date;
  sizeBytes: number;
  reason: string;
}

export interface FailedEvents {
  /** Newest first. */
  list(
    filter: { tenantId?: string },
    page: { limit: number; cursor: string | null },
  ): Promise<Page<FailedEvent>>;
}
