/** One event as the feed hands it out: what a delivery to the endpoint carried, before signing. */
export interface FeedEvent {
  /** The delivery's per-endpoint sequence number (the `webhook-sequence` header). */
  sequence: number;
  eventId: string;
  eventType: string;
  /** Exact event JSON text, the bytes a delivery signs and sends. */
  body: string;
  occurredAt: Date;
}

/**
 * The events matched to an endpoint, by sequence number: a receiver catches up on what it missed.
 * Gap-free: an answer never holds sequence N+1 unless N is readable too.
 */
export interface EventFeed {
  /** Sequence numbers above `after`, ascending, at most `limit`. Scoped by tenant. */
  list(tenantId: string, endpointId: string, page: { after: number; limit: number }): Promise<FeedEvent[]>;
}
