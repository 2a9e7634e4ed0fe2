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
import { apiDestinationPayload } from './apiDestinationPayload.ts';
import {
  DELIVERY_EVENT,
  type DeliveryMessage,
  serializeDeliveryMessage,
  TRANSPORTS,
  type Transport,
} from './DeliveryMessage.ts';
import { AwsAdapterError, isRetryableAwsError, toAwsError } from './errors.ts';

/**
 * PutEvents limits: entries per call, bytes per entry as EventBridge counts them, and bytes per call:
 * the size limit applies to the total of a request's entries (same count), not just to each one.
 */
export const PUT_EVENTS_LIMITS = {
  maxEntries: 10,
  maxEntryBytes: 1024 * 1024,
  maxRequestBytes: 1024 * 1024,
} as const;

/**
 * Per-entry ErrorCodes that no entry can fix (PutEventsResultEntry lists them as non-retryable):
 * they are about the bus's permissions or account, shared by every entry, so rejecting entries
 * would silently drop every delivery until the configuration is fixed. The enqueue fails instead
 * (not retryable) and the batch stays in the outbox.
 */
const CONFIGURATION_ENTRY_ERRORS = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

export type WebhookHeaderValues = NonNullable<DeliveryMessage['headers']>;

/** Api-destination deliveries published as pooled because they could not be signed ahead of time. */
export interface UnsignedFallback {
  deliveries: readonly NewDelivery[];
  /** What `signHeaders` threw, if it did (otherwise it returned no headers for these). */
  error?: unknown;
  /** Set when the body is why (not the secret): its bytes would change on the way (the first one's). */
  reason?: string;
}

export interface EventBridgeDeliveryPublisherOptions {
  eventBusName: string;
  /** Which transport each endpoint uses; without it every delivery is pooled. */
  transports?: (endpointIds: readonly string[]) => Promise<Map<string, Transport>>;
  /**
   * Signs api-destination deliveries ahead of time (EventBridge sends the headers as given). Called
   * once per call with every api-destination delivery; keyed by `${eventId}/${endpointId}`.
   */
  signHeaders?: (deliveries: readonly NewDelivery[]) => Promise<Map<string, WebhookHeaderValues>>;
  /**
   * Told about api-destination deliveries sent pooled instead (their secret could not be read);
   * defaults to a warning on the console (CloudWatch Logs in Lambda).
   */
  onUnsignedFallback?: (fallback: UnsignedFallback) => void;
  /** Calls per request while some entries keep failing transiently; then the whole enqueue fails. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const deliveryKey = (d: { eventId: string; endpointId: string }) => `${d.eventId}/${d.endpointId}`;

/** An entry PutEvents refused on its own with a whole-request error; quarantined only with proof. */
interface IsolatedFailure {
  error: AwsAdapterError;
  rejection: RejectedDelivery;
}

/**
 * Whole-request errors one entry can cause by itself. Throttling and 5xx are retryable (the batch
 * is retried as is); access and missing-bus errors are about the bus, never an entry.
 */
const ENTRY_SUSPECT_ERRORS = new Set(['ValidationException']);

function isEntrySuspect(error: AwsAdapterError): boolean {
  if (error.retryable) return false;
  const cause = error.cause as { name?: unknown } | undefined;
  return typeof cause?.name === 'string' && ENTRY_SUSPECT_ERRORS.has(cause.name);
}

function vendorMessage(error: AwsAdapterError): string {
  const cause = error.cause as { name?: unknown; message?: unknown } | undefined;
  return `${String(cause?.name)}: ${typeof cause?.message === 'string' ? cause.message : 'no message'}`;
}

interface PendingEntry {
  delivery: NewDelivery;
  entry: PutEventsRequestEntry;
  size: number;
}

/**
 * The relay's DeliveryPublisher on AWS: one bus entry per (event, endpoint). Rules on the bus route
 * pooled entries to the delivery queue and each dedicated endpoint's entries to its API destination.
 */
export class EventBridgeDeliveryPublisher implements DeliveryPublisher {
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onUnsignedFallback: (fallback: UnsignedFallback) => void;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgeDeliveryPublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseBackoffMs = options.baseBackoffMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onUnsignedFallback = options.onUnsignedFallback ?? warnUnsignedFallback;
  }

  /**
   * Publishes every delivery that fits and returns those that never will (an entry over 1 MB once
   * the body is JSON-escaped inside Detail, one EventBridge refused with a permanent ErrorCode, or
   * one whose request it refused whole with a ValidationException even when sent alone, while
   * others went through: see putIsolating), which the relay records on their event. Otherwise throws (retryable when the service was at
   * fault) so the relay leaves its batch unpublished: the bus has no idempotency key, so a retried
   * batch may publish some entries twice, which receivers deduplicate by webhook-id.
   */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    if (deliveries.length === 0) return { enqueued: 0, rejected: [] };
    const endpointIds = [...new Set(deliveries.map((d) => d.endpointId))];
    const transports = (await this.options.transports?.(endpointIds)) ?? new Map<string, Transport>();
    const transportOf = (d: NewDelivery) => transports.get(d.endpointId) ?? TRANSPORTS.pooled;
    // An API destination sends the body re-serialized by EventBridge, so only a body whose sent
    // bytes are known goes that way, signed over those bytes (apiDestinationPayload says why).
    const payloads = new Map<string, { payload: unknown; wire: string }>();
    const reshaped: { delivery: NewDelivery; reason: string }[] = [];
    for (const delivery of deliveries) {
      if (transportOf(delivery) !== TRANSPORTS.apiDestination) continue;
      const shaped = apiDestinationPayload(delivery.body);
      if (shaped.ok) payloads.set(deliveryKey(delivery), shaped);
      else reshaped.push({ delivery, reason: shaped.reason });
    }
    const dedicated = deliveries.flatMap((d) => {
      const shaped = payloads.get(deliveryKey(d));
      return shaped ? [{ ...d, body: shaped.wire }] : [];
    });
    let headers = new Map<string, WebhookHeaderValues>();
    let signError: unknown;
    let signFailed = false;
    if (dedicated.length > 0 && this.options.signHeaders) {
      try {
        headers = await this.options.signHeaders(dedicated);
      } catch (error) {
        signFailed = true;
        signError = error;
      }
    }

    const rejected: RejectedDelivery[] = [];
    const unsigned: NewDelivery[] = [];
    const entries: PendingEntry[] = [];
    for (const delivery of deliveries) {
      const signed = headers.get(deliveryKey(delivery));
      const shaped = payloads.get(deliveryKey(delivery));
      let transport = transportOf(delivery);
      if (transport === TRANSPORTS.apiDestination && !(signed && shaped)) {
        // The receiver could not verify an unsigned api-destination request, and failing the whole
        // enqueue would hold every tenant's batch back: the deliver Lambda signs pooled deliveries
        // itself (over the exact body), so this one goes that way.
        transport = TRANSPORTS.pooled;
        if (shaped) unsigned.push(delivery);
      }
      const message: DeliveryMessage = {
        eventId: delivery.eventId,
        endpointId: delivery.endpointId,
        tenantId: delivery.tenantId,
        eventType: delivery.eventType,
        body: delivery.body,
        transport,
        ...(delivery.sequence === undefined ? {} : { sequence: delivery.sequence }),
        ...(signed && shaped && transport === TRANSPORTS.apiDestination
          ? { headers: signed, payload: shaped.payload }
          : {}),
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
        entries.push({ delivery, entry, size });
      }
    }
    if (unsigned.length > 0) {
      this.onUnsignedFallback(
        signFailed ? { deliveries: unsigned, error: signError } : { deliveries: unsigned },
      );
    }
    if (reshaped.length > 0) {
      this.onUnsignedFallback({
        deliveries: reshaped.map((r) => r.delivery),
        reason: `EventBridge would not send the body byte for byte: ${(reshaped[0] as { reason: string }).reason}`,
      });
    }

    let enqueued = 0;
    const isolated: IsolatedFailure[] = [];
    for (const request of chunkRequests(entries)) {
      const outcome = await this.putIsolating(request);
      rejected.push(...outcome.rejected);
      isolated.push(...outcome.isolated);
      enqueued += request.length - outcome.rejected.length - outcome.isolated.length;
    }
    if (isolated.length > 0) {
      // Quarantined only once some other entry of this enqueue went through the same bus: then the
      // refusal is about those entries, not the bus or the account. If nothing got through, it
      // may be the bus itself, and quarantining would silently drop every event: fail instead, and
      // the batch (with its other events, next time) comes back.
      if (enqueued === 0) throw (isolated[0] as IsolatedFailure).error;
      rejected.push(...isolated.map((f) => f.rejection));
    }
    return { enqueued, rejected };
  }

  /**
   * putWithRetries, except that a whole-request refusal an entry may cause on its own (a
   * ValidationException: e.g. a size the service counts differently from us) is narrowed down by
   * halving the request until each entry that still fails is alone. Without this the relay would
   * roll the batch back and claim the same oldest rows again forever, for every tenant.
   */
  private async putIsolating(
    batch: PendingEntry[],
  ): Promise<{ rejected: RejectedDelivery[]; isolated: IsolatedFailure[] }> {
    try {
      return { rejected: await this.putWithRetries(batch), isolated: [] };
    } catch (error) {
      if (!(error instanceof AwsAdapterError) || !isEntrySuspect(error)) throw error;
      if (batch.length === 1) {
        const { delivery } = batch[0] as PendingEntry;
        return {
          rejected: [],
          isolated: [
            {
              error,
              rejection: {
                eventId: delivery.eventId,
                endpointId: delivery.endpointId,
                reason: `EventBridge refused the bus entry even when sent alone: ${vendorMessage(error)}`,
              },
            },
          ],
        };
      }
      const middle = Math.ceil(batch.length / 2);
      const first = await this.putIsolating(batch.slice(0, middle));
      const second = await this.putIsolating(batch.slice(middle));
      return {
        rejected: [...first.rejected, ...second.rejected],
        isolated: [...first.isolated, ...second.isolated],
      };
    }
  }

  /**
   * Sends one request, re-sending only the entries EventBridge reports as transiently failed.
   * Entries refused with a permanent ErrorCode are returned as rejected rather than retried.
   */
  private async putWithRetries(batch: PendingEntry[]): Promise<RejectedDelivery[]> {
    const rejected: RejectedDelivery[] = [];
    let pending = batch;
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(backoff(this.baseBackoffMs, attempt));
      let results: PutEventsResultEntry[];
      try {
        const response = await this.client.send(
          new PutEventsCommand({ Entries: pending.map((p) => p.entry) }),
        );
        if (!response.FailedEntryCount) return rejected;
        results = response.Entries ?? [];
      } catch (error) {
        const wrapped = toAwsError(error, 'publishing deliveries to EventBridge');
        // A bad request stays bad; only throttling, 5xx and network trouble are worth another call.
        if (!wrapped.retryable || attempt === this.maxAttempts) throw wrapped;
        lastFailure = wrapped.message;
        continue;
      }
      // Result entries line up with request entries; a failed one has an ErrorCode and no EventId.
      const retry: PendingEntry[] = [];
      let firstTransient: PutEventsResultEntry | undefined;
      for (const [index, item] of pending.entries()) {
        const result = results[index];
        if (result?.EventId && !result.ErrorCode) continue;
        const code = result?.ErrorCode;
        if (code && CONFIGURATION_ENTRY_ERRORS.has(code)) {
          throw new AwsAdapterError(
            `EventBridge refused entries for bus ${this.options.eventBusName}: ${code}: ${result.ErrorMessage ?? 'no message'}`,
            { retryable: false },
          );
        }
        if (!code || isRetryableAwsError({ name: code })) {
          // Throttling, internal failure (or no result at all): a later call may take it.
          firstTransient ??= result ?? {};
          retry.push(item);
        } else {
          rejected.push({
            eventId: item.delivery.eventId,
            endpointId: item.delivery.endpointId,
            reason: `EventBridge refused the bus entry: ${code}: ${result.ErrorMessage ?? 'no message'}`,
          });
        }
      }
      lastFailure = `${retry.length} of ${pending.length} entries failed (${firstTransient?.ErrorCode ?? 'unknown'}: ${firstTransient?.ErrorMessage ?? 'no message'})`;
      pending = retry;
      if (pending.length === 0) return rejected;
    }
    throw new AwsAdapterError(
      `EventBridge PutEvents still failing after ${this.maxAttempts} attempts: ${lastFailure}`,
      { retryable: true },
    );
  }
}

/**
 * Splits entries into PutEvents requests of at most 10 entries whose sizes add up to at most the
 * request limit (each entry is already within it on its own), keeping their order.
 */
function chunkRequests(entries: readonly PendingEntry[]): PendingEntry[][] {
  const requests: PendingEntry[][] = [];
  let current: PendingEntry[] = [];
  let currentBytes = 0;
  for (const item of entries) {
    if (
      current.length > 0 &&
      (current.length >= PUT_EVENTS_LIMITS.maxEntries ||
        currentBytes + item.size > PUT_EVENTS_LIMITS.maxRequestBytes)
    ) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += item.size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function warnUnsignedFallback({ deliveries, error, reason }: UnsignedFallback): void {
  console.warn(
    JSON.stringify({
      level: 'WARN',
      message: 'api-destination deliveries could not be signed ahead of time; published as pooled',
      deliveries: deliveries.map(deliveryKey),
      ...(reason === undefined ? {} : { reason }),
      ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    }),
  );
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
