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
}

export interface AttemptView extends AttemptRecord {
  id: string;
  eventType: string;
}

export interface DeliveryLog {
  record(attempts: readonly AttemptRecord[]): Promise<void>;
  listForEndpoint(
    tenantId: string,
    endpointId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<AttemptView>>;
  listForDelivery(deliveryId: string): Promise<AttemptView[]>;
}
