/** What an erasure changed: the counts stay (for audit), the payloads are gone. */
export interface TenantErasure {
  tenantId: string;
  /** Events whose payload was erased (every event of the tenant still kept). */
  events: number;
  /** Attempts kept (their response bodies erased). */
  attempts: number;
  /** Pending deliveries and dead letters discarded: with no payload they can never be sent. */
  deliveriesDiscarded: number;
  /** Dead-letter items with their payload erased, where they are kept apart (DynamoDB on AWS). */
  deadLettersErased: number;
}

/** A tenant's stored event payloads and receivers' response bodies, everywhere Rowhook keeps them. */
export interface TenantData {
  erase(tenantId: string): Promise<TenantErasure>;
}
