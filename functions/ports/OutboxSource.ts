import type { OutboxEvent } from '../core/events/OutboxEvent.ts';

export interface PublishOutcome {
  /** Events that could not be published and never will as they are (e.g. over the size limit). */
  rejected: { eventId: string; reason: string }[];
}

export interface OutboxSource {
  /**
   * Claims up to `limit` committed, unpublished events so no other relay takes them, hands them
   * to `publish`, and marks them published (or rejected with a reason) once it resolves. If
   * `publish` throws, the events stay unpublished for the next run. Returns how many were claimed.
   */
  claimUnpublished(
    limit: number,
    publish: (events: OutboxEvent[]) => Promise<PublishOutcome>,
  ): Promise<number>;
}

export interface NewOutboxEvent {
  tenantId: string;
  type: string;
  body: string;
  targetEndpointId: string | null;
}

export interface OutboxWriter {
  /** Adds an event directly (test events), as the capture trigger would. Returns the event id. */
  append(event: NewOutboxEvent): Promise<string>;
}
