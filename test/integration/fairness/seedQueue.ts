import type { Database } from '../../../functions/adapters/pg/Database.ts';
import type { PgDeliveryQueue } from '../../../functions/adapters/pg/PgDeliveryQueue.ts';
import type { ClaimedDelivery } from '../../../functions/ports/DeliveryQueue.ts';

export interface LaneSettings {
  maxConcurrency?: number | null;
  rateLimitPerSecond?: number | null;
}

/** Creates the tenant (once) and an endpoint with the given scheduling settings. */
export async function createEndpoint(
  db: Database,
  tenantId: string,
  endpointId: string,
  settings: LaneSettings = {},
): Promise<void> {
  await db.query('insert into rowhook.tenants (id, name) values ($1, $1) on conflict do nothing', [tenantId]);
  await db.query(
    `insert into rowhook.endpoints (id, tenant_id, url, max_concurrency, rate_limit_per_second)
     values ($1, $2, 'https://example.com/hook', $3, $4)`,
    [endpointId, tenantId, settings.maxConcurrency ?? null, settings.rateLimitPerSecond ?? null],
  );
}

/** `count` committed events of the tenant, enqueued for the endpoint through the queue itself. */
export async function enqueueBacklog(
  db: Database,
  queue: PgDeliveryQueue,
  tenantId: string,
  endpointId: string,
  count: number,
): Promise<void> {
  const events = await db.query<{ id: string }>(
    `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
     select rowhook.uuidv7(), $1, 'order.created', format('{"n":%s}', g), now(), now()
       from generate_series(1, $2::int) g
     returning id`,
    [tenantId, count],
  );
  const result = await queue.enqueue(
    events.map((e) => ({ eventId: e.id, endpointId, tenantId, eventType: 'order.created', body: '' })),
  );
  if (result.enqueued !== count) throw new Error(`enqueued ${result.enqueued} of ${count}`);
}

export const countBy = (claimed: readonly ClaimedDelivery[], key: 'endpointId' | 'tenantId') => {
  const counts: Record<string, number> = {};
  for (const delivery of claimed) counts[delivery[key]] = (counts[delivery[key]] ?? 0) + 1;
  return counts;
};

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2030, 0, 1)) {
  let at = start;
  return {
    now: () => new Date(at),
    advance(ms: number) {
      at += ms;
    },
  };
}
