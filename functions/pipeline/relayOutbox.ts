import type { OutboxEvent } from '../core/events/OutboxEvent.ts';
import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import type { DeliveryPublisher, NewDelivery } from '../ports/DeliveryQueue.ts';
import type { OutboxSource, PublishOutcome } from '../ports/OutboxSource.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import type { EndpointMatcher } from './EndpointMatcher.ts';

export interface RelayDependencies {
  outbox: OutboxSource;
  subscriptions: SubscriptionStore;
  queue: DeliveryPublisher;
  matcher: EndpointMatcher;
}

export interface RelayOptions {
  batchSize: number;
  /** Events larger than this are kept in the outbox with a reason instead of being delivered. */
  maxEventBytes: number;
}

export interface RelayResult {
  claimed: number;
  enqueued: number;
}

/**
 * One relay step: claim a batch of committed events, fan each out to the matching endpoints of its
 * tenant, enqueue one delivery per (event, endpoint), mark the batch published.
 */
export async function relayOutbox(deps: RelayDependencies, options: RelayOptions): Promise<RelayResult> {
  let enqueued = 0;
  const claimed = await deps.outbox.claimUnpublished(options.batchSize, async (events) => {
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
          });
        }
      }
    }
    enqueued = await deps.queue.enqueue(deliveries);
    return outcome;
  });
  return { claimed, enqueued };
}

async function endpointsFor(
  store: SubscriptionStore,
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
