/**
 * Where the DynamoDB delivery log learns the event type of an attempt recorded without one.
 * DynamoDB cannot join attempts with the outbox (PostgreSQL / Aurora) as PgDeliveryLog does, so the
 * log asks once per recorded batch and stores the type on each attempt item.
 *
 * On AWS no lookup is wired (functions/handlers/wiring/deliveryLog.ts) and none is needed: the
 * deliverer is the only writer and always carries the type (attemptDelivery copies it from the
 * delivery). A lookup serves callers that record bare AttemptRecords, such as the shared
 * DeliveryLog contract suite, which backs it with its in-memory outbox. Should production ever
 * record attempts without a type, implement this over the Data API like RdsDataOutboxSource.
 */
export interface EventTypeLookup {
  /** Types of the events that exist; unknown ids are left out. */
  eventTypes(eventIds: readonly string[]): Promise<Map<string, string>>;
}
