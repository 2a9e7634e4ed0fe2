/**
 * Where the DynamoDB delivery log learns an attempt's event type. AttemptRecord does not carry it
 * and the events live in the outbox (PostgreSQL / Aurora), which DynamoDB cannot join with; so the
 * log asks once per recorded batch and stores the type on each attempt item. On AWS this is one
 * Data API query (`select id, event_type from rowhook.outbox where id = any(:ids)`).
 */
export interface EventTypeLookup {
  /** Types of the events that exist; unknown ids are left out. */
  eventTypes(eventIds: readonly string[]): Promise<Map<string, string>>;
}
