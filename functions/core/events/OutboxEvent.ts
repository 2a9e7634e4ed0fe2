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
}
