import type { OutboxEvent } from '../core/events/OutboxEvent.ts';
import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import { isOrderedPerKey } from '../core/subscriptions/EndpointOrdering.ts';
import type {
  ClaimedDelivery,
  DeliveryPublisher,
  EnqueueOptions,
  NewDelivery,
  RejectedDelivery,
} from '../ports/DeliveryQueue.ts';
import type { OutboxSource, PublishOutcome } from '../ports/OutboxSource.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import type { EndpointMatcher } from './EndpointMatcher.ts';

export interface RelayDependencies {
  outbox: OutboxSource;
  subscriptions: Pick<SubscriptionStore, 'listEnabledEndpoints' | 'getEndpointsByIds'>;
  queue: DeliveryPublisher;
  matcher: EndpointMatcher;
  /**
   * Set where the deliverer runs in this process: the deliveries it wants are written leased to it
   * and returned in `handedOff`, to be attempted once the batch has committed.
   */
  handoff?: EnqueueOptions['lease'];
}

export interface RelayOptions {
  batchSize: number;
  /** Events larger than this are kept in the outbox with a reason instead of being delivered. */
  maxEventBytes: number;
}

export interface RelayResult {
  claimed: number;
  enqueued: number;
  /** Events of this step recorded in the outbox as not (fully) delivered, with the reason. */
  rejected: PublishOutcome['rejected'];
  /**
   * When the oldest event handed to this step happened; null when there was none. `now` minus this
   * is the relay lag (how long a committed change waited to be relayed), reported by the handlers.
   */
  oldestOccurredAt: Date | null;
  /** Deliveries leased to this process's deliverer (see RelayDependencies.handoff), committed. */
  handedOff?: ClaimedDelivery[];
}

/**
 * One relay step: claim a batch of committed events, fan each out to the matching endpoints of its
 * tenant, enqueue one delivery per (event, endpoint), mark the batch published.
 *
 * Rejections are permanent (retrying the same bytes cannot help), so a rejected event is marked
 * published with `publish_error` = the reason rather than left to block the outbox. An event is
 * rejected whole when its body is over `maxEventBytes` (nothing is enqueued), or per delivery when
 * the transport refuses one (e.g. an EventBridge entry over 1 MB once the body is JSON-escaped).
 * In the second case the endpoints whose deliveries the transport accepted still receive the
 * event: one endpoint's oversized entry (it can differ per endpoint by its signature headers) must
 * not withhold the event from the others, and holding them back would not make it fit later. The
 * event's publish_error then names the endpoints that were left out and says the others were sent.
 */
export async function relayOutbox(deps: RelayDependencies, options: RelayOptions): Promise<RelayResult> {
  let enqueued = 0;
  let rejected: PublishOutcome['rejected'] = [];
  let oldestOccurredAt: Date | null = null;
  let handedOff: ClaimedDelivery[] = [];
  const claimed = await deps.outbox.claimUnpublished(options.batchSize, async (events) => {
    for (const event of events) {
      if (oldestOccurredAt === null || event.occurredAt < oldestOccurredAt)
        oldestOccurredAt = event.occurredAt;
    }
    const outcome: PublishOutcome = { rejected: [] };
    const deliverable: OutboxEvent[] = [];
    for (const event of events) {
      const size = Buffer.byteLength(event.body);
      if (size > options.maxEventBytes) {
        outcome.rejected.push({
          eventId: event.id,
          reason: `event body is ${size} bytes, over the ${options.maxEventBytes}-byte limit; exclude large columns with rowhook.track_table(..., exclude_columns => ...)`,
        });
      } else {
        deliverable.push(event);
      }
    }
    const endpoints = await endpointsFor(deps.subscriptions, deliverable);
    const deliveries: NewDelivery[] = [];
    for (const event of deliverable) {
      let parsed: unknown;
      const parsedBody = () => {
        parsed ??= safeParse(event.body);
        return parsed;
      };
      for (const endpoint of endpoints.get(event.tenantId) ?? []) {
        if (deps.matcher.matches(endpoint, event, parsedBody)) {
          deliveries.push({
            eventId: event.id,
            endpointId: endpoint.id,
            tenantId: event.tenantId,
            eventType: event.type,
            body: event.body,
            // Only where the source computed a key (AWS): the FIFO queue orders by it.
            ...(event.orderingKey !== undefined && isOrderedPerKey(endpoint)
              ? { orderingKey: event.orderingKey }
              : {}),
          });
        }
      }
    }
    if (deliveries.length > 0) {
      const result = await deps.queue.enqueue(deliveries, deps.handoff ? { lease: deps.handoff } : undefined);
      enqueued = result.enqueued;
      handedOff = result.leased ?? [];
      outcome.rejected.push(...rejectionsByEvent(deliveries, result.rejected));
    }
    rejected = outcome.rejected;
    return outcome;
  });
  return { claimed, enqueued, rejected, oldestOccurredAt, ...(deps.handoff ? { handedOff } : {}) };
}

/** One reason per event from the transport's per-delivery rejections. */
function rejectionsByEvent(
  deliveries: readonly NewDelivery[],
  refused: readonly RejectedDelivery[],
): PublishOutcome['rejected'] {
  if (refused.length === 0) return [];
  const matched = new Map<string, number>();
  for (const d of deliveries) matched.set(d.eventId, (matched.get(d.eventId) ?? 0) + 1);
  const byEvent = new Map<string, RejectedDelivery[]>();
  for (const r of refused) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r]);
  return [...byEvent].map(([eventId, list]) => {
    const first = list[0] as RejectedDelivery;
    const total = matched.get(eventId) ?? list.length;
    const endpoints = list.map((r) => r.endpointId).join(', ');
    const reason =
      list.length >= total
        ? `not delivered to any of its ${total} endpoint(s): ${first.reason}`
        : `not delivered to ${list.length} of its ${total} endpoint(s) (${endpoints}; the others were sent): ${first.reason}`;
    return { eventId, reason };
  });
}

async function endpointsFor(
  store: RelayDependencies['subscriptions'],
  events: OutboxEvent[],
): Promise<Map<string, Endpoint[]>> {
  const tenantIds = [...new Set(events.filter((e) => e.targetEndpointId === null).map((e) => e.tenantId))];
  const targetIds = [...new Set(events.flatMap((e) => (e.targetEndpointId ? [e.targetEndpointId] : [])))];
  const [enabled, targeted] = await Promise.all([
    store.listEnabledEndpoints(tenantIds),
    store.getEndpointsByIds(targetIds),
  ]);
  const byTenant = new Map<string, Endpoint[]>();
  for (const endpoint of [...enabled, ...targeted]) {
    const list = byTenant.get(endpoint.tenantId) ?? [];
    if (!list.some((e) => e.id === endpoint.id)) list.push(endpoint);
    byTenant.set(endpoint.tenantId, list);
  }
  return byTenant;
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
