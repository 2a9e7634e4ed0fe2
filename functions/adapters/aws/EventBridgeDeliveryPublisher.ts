import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import type {
  DeliveryPublisher,
  EnqueueResult,
  NewDelivery,
  RejectedDelivery,
} from '../../ports/DeliveryQueue.ts';
import {
  DELIVERY_EVENT,
  type DeliveryMessage,
  serializeDeliveryMessage,
  TRANSPORTS,
  type Transport,
} from './DeliveryMessage.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';

/** PutEvents limits: entries per call, and bytes per entry as EventBridge counts them. */
export const PUT_EVENTS_LIMITS = { maxEntries: 10, maxEntryBytes: 1024 * 1024 } as const;

export type WebhookHeaderValues = NonNullable<DeliveryMessage['headers']>;

export interface EventBridgeDeliveryPublisherOptions {
  eventBusName: string;
  /** Which transport each endpoint uses; without it every delivery is pooled. */
  transports?: (endpointIds: readonly string[]) => Promise<Map<string, Transport>>;
  /**
   * Signs api-destination deliveries ahead of time (EventBridge sends the headers as given). Called
   * once per call with every api-destination delivery; keyed by `${eventId}/${endpointId}`.
   */
  signHeaders?: (deliveries: readonly NewDelivery[]) => Promise<Map<string, WebhookHeaderValues>>;
  /** Calls per batch of 10 while some entries keep failing; then the whole enqueue fails. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const deliveryKey = (d: { eventId: string; endpointId: string }) => `${d.eventId}/${d.endpointId}`;

/**
 * The relay's DeliveryPublisher on AWS: one bus entry per (event, endpoint). Rules on the bus route
 * pooled entries to the delivery queue and each dedicated endpoint's entries to its API destination.
 */
export class EventBridgeDeliveryPublisher implements DeliveryPublisher {
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeDeliveryPublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseBackoffMs = options.baseBackoffMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Publishes every delivery that fits and returns those that never will (an entry over 1 MB once
   * the body is JSON-escaped inside Detail), which the relay records on their event. Otherwise
   * throws (retryable when the service was at fault) so the relay leaves its batch unpublished:
   * the bus has no idempotency key, so a retried batch may publish some entries twice, which
   * receivers deduplicate by webhook-id.
   */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    if (deliveries.length === 0) return { enqueued: 0, rejected: [] };
    const endpointIds = [...new Set(deliveries.map((d) => d.endpointId))];
    const transports = (await this.options.transports?.(endpointIds)) ?? new Map<string, Transport>();
    const transportOf = (d: NewDelivery) => transports.get(d.endpointId) ?? TRANSPORTS.pooled;
    const dedicated = deliveries.filter((d) => transportOf(d) === TRANSPORTS.apiDestination);
    const headers =
      dedicated.length > 0 && this.options.signHeaders
        ? await this.options.signHeaders(dedicated)
        : new Map<string, WebhookHeaderValues>();

    const rejected: RejectedDelivery[] = [];
    const entries: PutEventsRequestEntry[] = [];
    for (const delivery of deliveries) {
      const transport = transportOf(delivery);
      const signed = headers.get(deliveryKey(delivery));
      if (transport === TRANSPORTS.apiDestination && !signed) {
        // Without headers the receiver could not verify it; a later relay run may have secrets.
        throw new AwsAdapterError(
          `no signature for api-destination delivery of event ${delivery.eventId} to endpoint ${delivery.endpointId}`,
          { retryable: true },
        );
      }
      const message: DeliveryMessage = {
        eventId: delivery.eventId,
        endpointId: delivery.endpointId,
        tenantId: delivery.tenantId,
        eventType: delivery.eventType,
        body: delivery.body,
        transport,
        ...(signed ? { headers: signed } : {}),
      };
      const entry: PutEventsRequestEntry = {
        EventBusName: this.options.eventBusName,
        Source: DELIVERY_EVENT.source,
        DetailType: DELIVERY_EVENT.detailType,
        Detail: serializeDeliveryMessage(message),
      };
      const size = entrySize(entry);
      if (size > PUT_EVENTS_LIMITS.maxEntryBytes) {
        rejected.push({
          eventId: delivery.eventId,
          endpointId: delivery.endpointId,
          reason: `bus entry is ${size} bytes (body JSON-escaped), over EventBridge's ${PUT_EVENTS_LIMITS.maxEntryBytes}-byte limit; exclude large columns from the tracked table`,
        });
      } else {
        entries.push(entry);
      }
    }

    for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMITS.maxEntries) {
      await this.putWithRetries(entries.slice(i, i + PUT_EVENTS_LIMITS.maxEntries));
    }
    return { enqueued: entries.length, rejected };
  }

  /** Sends up to 10 entries, re-sending only those EventBridge reports as failed. */
  private async putWithRetries(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(backoff(this.baseBackoffMs, attempt));
      let results: PutEventsResultEntry[];
      try {
        const response = await this.client.send(new PutEventsCommand({ Entries: pending }));
        if (!response.FailedEntryCount) return;
        results = response.Entries ?? [];
      } catch (error) {
        const wrapped = toAwsError(error, 'publishing deliveries to EventBridge');
        // A bad request stays bad; only throttling, 5xx and network trouble are worth another call.
        if (!wrapped.retryable || attempt === this.maxAttempts) throw wrapped;
        lastFailure = wrapped.message;
        continue;
      }
      // Result entries line up with request entries; a failed one has an ErrorCode and no EventId.
      const failed = pending.filter((_, index) => results[index]?.ErrorCode || !results[index]?.EventId);
      const firstError = results.find((r) => r.ErrorCode);
      lastFailure = `${failed.length} of ${pending.length} entries failed (${firstError?.ErrorCode ?? 'unknown'}: ${firstError?.ErrorMessage ?? 'no message'})`;
      pending = failed;
      if (pending.length === 0) return;
    }
    throw new AwsAdapterError(
      `EventBridge PutEvents still failing after ${this.maxAttempts} attempts: ${lastFailure}`,
      { retryable: true },
    );
  }
}

/** The entry size as EventBridge computes it: UTF-8 bytes of Source, DetailType, Detail, Resources (+14 for Time). */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? '');
  size += Buffer.byteLength(entry.DetailType ?? '');
  size += Buffer.byteLength(entry.Detail ?? '');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource);
  return size;
}

/** Exponential with full jitter, so relays retrying together do not hit the bus in lockstep. */
function backoff(baseMs: number, attempt: number): number {
  return Math.round(Math.random() * baseMs * 2 ** (attempt - 2)) + baseMs / 2;
}
