/** A captured change as the relay reads it from the outbox. */
export interface OutboxEvent {
  /** UUIDv7 from the outbox; public form `evt_...`; becomes `webhook-id`. */
  id: string;
  tenantId: string;
  type: string;
  /** The exact JSON text built in SQL. Never re-serialised: it is signed and sent byte for byte. */
  body: string;
  occurredAt: Date;
  /** Set for events meant for a single endpoint (test events). */
  targetEndpointId: string | null;
  /**
   * The event's key for per-key ordered endpoints, as `rowhook.ordering_key(o)` computes it (the
   * event's own id when it has none). Read only where the transport orders by it itself (the AWS
   * FIFO path); the local queue computes it in SQL when it writes the delivery.
   */
  orderingKey?: string;
}
