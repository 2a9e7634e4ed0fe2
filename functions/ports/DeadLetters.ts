import type { Page } from './SubscriptionStore.ts';

export interface DeadLetterFilter {
  tenantId?: string;
  endpointId?: string;
  eventType?: string;
}

export interface DeadLetter {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  failedAt: Date;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeadLetterDetail extends DeadLetter {
  body: string;
}

/** Deliveries that ran out of attempts, for operators to inspect, redrive or discard. */
export interface DeadLetters {
  list(filter: DeadLetterFilter, page: { limit: number; cursor: string | null }): Promise<Page<DeadLetter>>;
  get(id: string): Promise<DeadLetterDetail | undefined>;
  /** Puts it back in the queue with a fresh attempt budget; same event, same webhook-id. */
  redrive(id: string): Promise<boolean>;
  redriveMatching(filter: DeadLetterFilter): Promise<number>;
  discard(id: string): Promise<boolean>;
}
