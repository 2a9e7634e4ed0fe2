import { OPERATIONAL_EVENT_ID, OPERATOR_ENDPOINT } from '../../core/health/constants.ts';
import { type OperationalEvent, operationalWebhookBody } from '../../core/health/OperationalEvent.ts';
import type { DeliveryPublisher, NewDelivery } from '../../ports/DeliveryQueue.ts';
import type { OperationalEventFilter, OperationalEvents } from '../../ports/OperationalEvents.ts';
import { AwsAdapterError } from './errors.ts';

export interface PublishingOperationalEventsOptions {
  /** Where the events are recorded and listed from (the table). */
  recorder: OperationalEvents;
  /** The bus: each event becomes a pooled delivery to the operator endpoint. */
  publisher: DeliveryPublisher;
  /**
   * A second way onto the delivery queue (SendMessage of the same delivery message the bus rule
   * would write there), used only when the bus keeps failing after the publisher's own retries.
   */
  fallback?: (deliveries: readonly NewDelivery[]) => Promise<void>;
  /** Told when the fallback carried deliveries (the bus error) — for a log line. */
  onFallback?: (error: unknown, deliveries: readonly NewDelivery[]) => void;
}

/**
 * The AWS counterpart of the local outbox append: records the events, then publishes each as a
 * delivery to the reserved operator endpoint, so it is signed, retried and dead-lettered like any
 * webhook. Recording first, so an event that cannot be sent is still listed by the API.
 */
export class PublishingOperationalEvents implements OperationalEvents {
  constructor(private readonly options: PublishingOperationalEventsOptions) {}

  async record(events: readonly OperationalEvent[]): Promise<void> {
    await this.options.recorder.record(events);
    // Never about the operator endpoint itself: its failures would feed the channel that is failing.
    const deliveries = events.filter((e) => e.tenantId !== OPERATOR_ENDPOINT.tenantId).map(operatorDelivery);
    if (deliveries.length === 0) return;
    try {
      const { rejected } = await this.options.publisher.enqueue(deliveries);
      if (rejected.length > 0) {
        throw new AwsAdapterError(
          `operational events refused by the bus: ${rejected.map((r) => `${r.eventId}: ${r.reason}`).join('; ')}`,
          { retryable: false },
        );
      }
    } catch (error) {
      if (!this.options.fallback) throw error;
      await this.options.fallback(deliveries);
      this.options.onFallback?.(error, deliveries);
    }
  }

  list(filter: OperationalEventFilter, page: { limit: number; after: string | null }) {
    return this.options.recorder.list(filter, page);
  }
}

/**
 * The delivery of one event to the operator endpoint. Its event id is the UUID form of the
 * operational event id's hex, so the webhook-id (`evt_<hex>`) is the same on every publish of the
 * same event and receivers can deduplicate.
 */
export function operatorDelivery(event: OperationalEvent): NewDelivery {
  if (!OPERATIONAL_EVENT_ID.pattern.test(event.id)) {
    throw new AwsAdapterError(`not an operational event id: ${event.id}`, { retryable: false });
  }
  const hex = event.id.slice(OPERATIONAL_EVENT_ID.prefix.length);
  return {
    eventId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    endpointId: OPERATOR_ENDPOINT.endpointId,
    tenantId: OPERATOR_ENDPOINT.tenantId,
    eventType: event.type,
    body: operationalWebhookBody(event),
  };
}
