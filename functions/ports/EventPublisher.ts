export interface PublishRequest {
  tenantId: string;
  type: string;
  /** The webhook's `data`: a JSON object. */
  data: Record<string, unknown>;
  /** The same key for the same tenant within 24 hours returns the first event's id, creating nothing. */
  idempotencyKey: string | null;
  /** Stored in rowhook.outbox.ordering_key for per-key ordered delivery. */
  orderingKey: string | null;
}

/** Publishes app-defined events through rowhook.publish (the outbox, like a captured row change). */
export interface EventPublisher {
  /**
   * Returns the event's id (UUID). Throws EventRejectedError when the database refuses the input
   * (name, reserved type, registered schema).
   */
  publish(request: PublishRequest): Promise<string>;
}
