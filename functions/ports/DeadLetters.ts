import type { Page } from './SubscriptionStore.ts';

export interface DeadLetterFilter {
  tenantId?: string;
  endpointId?: string;
  eventType?: string;
  /** See core/failures: `http_500`, `timeout`, `endpoint_disabled`... */
  errorClass?: string;
  /** failedAt >= from. */
  from?: Date;
  /** failedAt < to: a bulk redrive passes the time it started, so it never chases new failures. */
  to?: Date;
  /** Only these deliveries (stored ids, at most 100: DynamoDB's IN limit), still subject to the rest. */
  ids?: readonly string[];
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
  errorClass: string;
}

export interface DeadLetterDetail extends DeadLetter {
  body: string;
}

/** Dead letters of one (tenant, endpoint, failure class). */
export interface DeadLetterGroup {
  tenantId: string;
  endpointId: string;
  errorClass: string;
  count: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

export interface DeadLetterSummary {
  total: number;
  /** Largest count first; ties by tenant, endpoint, class. */
  groups: DeadLetterGroup[];
}

/** Deliveries that ran out of attempts, for operators to inspect, redrive or discard. */
export interface DeadLetters {
  /** Newest failure first. */
  list(filter: DeadLetterFilter, page: { limit: number; cursor: string | null }): Promise<Page<DeadLetter>>;
  get(id: string): Promise<DeadLetterDetail | undefined>;
  summarize(filter: DeadLetterFilter): Promise<DeadLetterSummary>;
  count(filter: DeadLetterFilter): Promise<number>;
  /** Puts it back in the queue with a fresh attempt budget; same event, same webhook-id. */
  redrive(id: string): Promise<boolean>;
  /** Redrives the matching dead letters, oldest failure first, at most `limit`; returns how many. */
  redriveMatching(filter: DeadLetterFilter, limit?: number): Promise<number>;
  discard(id: string): Promise<boolean>;
}
