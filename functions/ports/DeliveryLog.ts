import type { Page } from './SubscriptionStore.ts';

export interface AttemptRecord {
  deliveryId: string;
  /** Known to the deliverer; stores that keep no event table (DynamoDB) record it with the attempt. */
  eventType?: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  attempt: number;
  startedAt: Date;
  webhookTimestamp: number;
  status: number | null;
  latencyMs: number;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
  /**
   * The delivery's sequence number, for stores that keep no deliveries table (DynamoDB): the AWS
   * deliverer records the number its message carried with each attempt.
   */
  sequence?: number | null;
}

export interface AttemptView extends AttemptRecord {
  id: string;
  eventType: string;
  /** The delivery's per-endpoint sequence number; absent where none is assigned (AWS pooled). */
  sequence?: number | null;
}

/** A page of the attempt tail: oldest first; `nextCursor` is always set (unchanged when nothing is new). */
export interface AttemptTail {
  items: AttemptView[];
  nextCursor: string;
}

export interface EndpointHealth {
  /** Attempts started since the `since` given. */
  attempts: number;
  /** Of those, answered 2xx. */
  successes: number;
  /** Latest 2xx attempt / latest other attempt in the log, whenever it was. */
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** The latest failed attempt's error, or `HTTP <status>` when the receiver answered. */
  lastFailureError: string | null;
}

export interface DeliveryLog {
  record(attempts: readonly AttemptRecord[]): Promise<void>;
  listForEndpoint(
    tenantId: string,
    endpointId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<AttemptView>>;
  listForDelivery(deliveryId: string): Promise<AttemptView[]>;
  /**
   * Attempts recorded after `after` (a cursor from an earlier call), oldest first, at most `limit`;
   * without `after`, the latest `limit`. For polling (`rowhook tail`).
   */
  listRecent(
    scope: { tenantId?: string; endpointId?: string },
    page: { after: string | null; limit: number },
  ): Promise<AttemptTail>;
  /** Health of these endpoints of one tenant; every id asked for is in the answer. */
  endpointHealth(
    tenantId: string,
    endpointIds: readonly string[],
    since: Date,
  ): Promise<Map<string, EndpointHealth>>;
}
