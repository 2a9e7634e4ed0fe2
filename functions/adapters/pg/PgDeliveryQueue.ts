import { CIRCUIT_BREAKER_FAILURES, ENDPOINT_CONCURRENCY } from '../../core/scheduling/constants.ts';
import type {
  ClaimedDelivery,
  DeliveryQueue,
  EnqueueOptions,
  EnqueueResult,
  NewDelivery,
  Settlement,
  SettleResult,
} from '../../ports/DeliveryQueue.ts';
import type { Database } from './Database.ts';
import { CLAIM_FROM_LANES_SQL, LOCK_LANES_SQL } from './fairClaimSql.ts';
import { SETTLE_SQL } from './settleSql.ts';
import { storableText } from './storableText.ts';

export const DELIVERY_WAKEUP_CHANNEL = 'rowhook_deliveries';

/**
 * $1-$3 the deliveries, $4 the clock (null: now()), $5 the lease in ms, $6 which ones the caller
 * wants leased, $7 the breaker threshold. Those start as a claim leaves them (attempt 1, a receipt,
 * hidden until the lease ends), except for endpoints the claim must keep deciding for: one with
 * deliveries already due in the queue (a retry, a redrive, an expired lease: leasing newer ones
 * would pass them), one whose breaker is open (one probe at a time, across runtimes), and one with
 * a rate limit (its tokens are spent by claims, across runtimes).
 *
 * Each new delivery takes its endpoint's next sequence number (in event id order within the batch)
 * from rowhook.endpoint_sequences, whose row stays locked until the caller's transaction commits:
 * another enqueue for the endpoint waits and numbers after it, so numbers commit in order, gap-free.
 * Pairs already enqueued are left out before numbering; the conflict clause is a last resort that
 * cannot fire while the caller holds the events' outbox rows (the relay does).
 */
const ENQUEUE_SQL = `
with clock as (select coalesce($4::timestamptz, now()) as now),
wanted as (
  select d.event_id, d.endpoint_id, d.tenant_id, d.leased
    from unnest($1::uuid[], $2::text[], $3::text[], $6::boolean[]) as d(event_id, endpoint_id, tenant_id, leased)
),
held_back as (
  select w.endpoint_id
    from (select distinct endpoint_id from wanted where leased) w, clock c
   where exists (select 1 from rowhook.deliveries q
                  where q.endpoint_id = w.endpoint_id and q.state = 'pending' and q.next_attempt_at <= c.now)
      or exists (select 1 from rowhook.delivery_lanes l
                  where l.endpoint_id = w.endpoint_id and l.consecutive_failures >= $7::int)
      or exists (select 1 from rowhook.endpoints e
                  where e.id = w.endpoint_id and e.rate_limit_per_second is not null)
),
ordered as (
  select e.id as endpoint_id from rowhook.endpoints e
   where e.id in (select distinct endpoint_id from wanted) and e.ordering = 'per-key'
),
decided as (
  select w.event_id, w.endpoint_id, w.tenant_id,
         w.leased and not exists (select 1 from held_back h where h.endpoint_id = w.endpoint_id)
           and not exists (select 1 from ordered x where x.endpoint_id = w.endpoint_id) as leased,
         case when exists (select 1 from ordered x where x.endpoint_id = w.endpoint_id)
              then (select coalesce(rowhook.ordering_key(o), 'event:' || o.id) from rowhook.outbox o
                     where o.id = w.event_id) end as ordering_key
    from wanted w
),
fresh as (
  select d.* from decided d
   where not exists (select 1 from rowhook.deliveries x
                      where x.event_id = d.event_id and x.endpoint_id = d.endpoint_id)
),
counters as (
  insert into rowhook.endpoint_sequences as s (endpoint_id, last_sequence)
  select endpoint_id, count(*) from fresh group by endpoint_id order by endpoint_id
  on conflict (endpoint_id) do update set last_sequence = s.last_sequence + excluded.last_sequence
  returning s.endpoint_id, s.last_sequence
),
numbered as (
  select f.*, k.last_sequence - count(*) over (partition by f.endpoint_id)
              + row_number() over (partition by f.endpoint_id order by f.event_id) as sequence
    from fresh f join counters k on k.endpoint_id = f.endpoint_id
),
added as (
  insert into rowhook.deliveries (id, event_id, endpoint_id, tenant_id, next_attempt_at, attempts, receipt, leased,
                                  sequence, ordering_key)
  select rowhook.uuidv7(), d.event_id, d.endpoint_id, d.tenant_id,
         case when d.leased then c.now + $5::bigint * interval '1 millisecond' else c.now end,
         case when d.leased then 1 else 0 end,
         case when d.leased then gen_random_uuid() end,
         d.leased, d.sequence, d.ordering_key
    from numbered d, clock c
  on conflict (event_id, endpoint_id) do nothing
  returning id, event_id, endpoint_id, tenant_id, receipt, sequence
),
lanes as (
  insert into rowhook.delivery_lanes (endpoint_id, tenant_id)
  select distinct endpoint_id, tenant_id from added
  on conflict do nothing
)
select id, event_id, endpoint_id, receipt, sequence from added`;

interface ClaimRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  attempts: number;
  receipt: string;
  event_type: string;
  body: string;
  sequence: string | null;
  ordering_key: string | null;
}

export interface PgDeliveryQueueOptions {
  /** Attempts in flight per endpoint when the endpoint sets no maxConcurrency. */
  endpointConcurrency: number;
  /** Failures in a row after which an endpoint gets one probe in flight until one succeeds. */
  breakerFailures: number;
  /** The clock for due times, leases and rate limits; absent: the database's now(). For tests. */
  now?: () => Date;
}

export class PgDeliveryQueue implements DeliveryQueue {
  private readonly options: PgDeliveryQueueOptions;

  constructor(
    private readonly db: Database,
    options: Partial<PgDeliveryQueueOptions> = {},
  ) {
    this.options = {
      endpointConcurrency: options.endpointConcurrency ?? ENDPOINT_CONCURRENCY.default,
      breakerFailures: options.breakerFailures ?? CIRCUIT_BREAKER_FAILURES,
      ...(options.now ? { now: options.now } : {}),
    };
  }

  /**
   * Never rejects a delivery: the table stores bodies by reference to the outbox row, of any size.
   * Deliveries the caller leases (options.lease) are written claimed, as `claim` would leave them,
   * and returned with their receipts; the rest are due now, and other workers are woken for them.
   */
  async enqueue(deliveries: readonly NewDelivery[], options: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (deliveries.length === 0)
      return { enqueued: 0, rejected: [], ...(options.lease ? { leased: [] } : {}) };
    const lease = options.lease;
    const leasedFlags = deliveries.map((d) => (lease ? lease.wants(d) : false));
    // The endpoint's lane (its scheduling state) comes with its first delivery.
    const rows = await this.db.query<{
      id: string;
      event_id: string;
      endpoint_id: string;
      receipt: string | null;
      sequence: string;
    }>(
      ENQUEUE_SQL,
      [
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.endpointId),
        deliveries.map((d) => d.tenantId),
        this.options.now?.() ?? null,
        lease?.leaseMs ?? 0,
        leasedFlags,
        this.options.breakerFailures,
      ],
      'rowhook_enqueue_sequenced_ordered_v4',
    );
    const leased: ClaimedDelivery[] = [];
    if (lease) {
      const byKey = new Map(deliveries.map((d) => [`${d.eventId}/${d.endpointId}`, d]));
      for (const row of rows) {
        const delivery = row.receipt === null ? undefined : byKey.get(`${row.event_id}/${row.endpoint_id}`);
        if (delivery && row.receipt !== null) {
          leased.push({
            ...delivery,
            id: row.id,
            attempt: 1,
            receipt: row.receipt,
            sequence: Number(row.sequence),
          });
        }
      }
    }
    // One wake-up per batch for what is due now, not per delivery; workers also poll, so a lost one
    // only delays. Deliveries leased to the caller need no wake-up.
    if (rows.length > leased.length) {
      await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
    }
    return { enqueued: rows.length, rejected: [], ...(lease ? { leased } : {}) };
  }

  /**
   * Fair, not FIFO: lanes (endpoints) are served round-robin over tenants, each within its
   * concurrency cap, rate limit and circuit breaker (see fairClaimSql.ts). Two statements: the
   * first locks the lanes to serve, so the second's snapshot sees every earlier claim on them.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const now = this.options.now?.() ?? null;
    const shared = [now, limit, this.options.endpointConcurrency, this.options.breakerFailures];
    const rows = await this.db.transaction(async () => {
      const lanes = await this.db.query<{ endpoint_id: string; ordered: boolean }>(
        LOCK_LANES_SQL,
        shared,
        'rowhook_lock_lanes_v2',
      );
      if (lanes.length === 0) return [];
      // With a per-key lane, planned for these lanes each time and with sorts discouraged: the walk
      // over its keys must read them in order from deliveries_ordering. With statistics from when
      // the queue was small, the planner would rather sort each key's rows, once per key.
      const ordered = lanes.some((lane) => lane.ordered);
      if (ordered) await this.db.query('set local enable_sort = off');
      return this.db.query<ClaimRow>(
        CLAIM_FROM_LANES_SQL,
        [...shared, lanes.map((lane) => lane.endpoint_id), leaseMs],
        ordered ? undefined : 'rowhook_claim_from_lanes_v2',
      );
    });
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      endpointId: row.endpoint_id,
      tenantId: row.tenant_id,
      eventType: row.event_type,
      body: row.body,
      attempt: row.attempts,
      receipt: row.receipt,
      ...(row.sequence === null ? {} : { sequence: Number(row.sequence) }),
      ...(row.ordering_key === null ? {} : { orderingKey: row.ordering_key }),
    }));
  }

  async settle(settlements: readonly Settlement[]): Promise<SettleResult> {
    if (settlements.length === 0) return { applied: new Set() };
    const state = (s: Settlement) => (s.kind === 'retry' ? 'pending' : s.kind);
    const rows = await this.db.query<{ id: string }>(
      SETTLE_SQL,
      [
        this.options.now?.() ?? null,
        settlements.map((s) => s.delivery.id),
        settlements.map((s) => s.delivery.receipt),
        settlements.map(state),
        settlements.map((s) => (s.kind === 'retry' ? Math.round(s.delayMs) : 0)),
        settlements.map((s) => ('status' in s ? s.status : null)),
        settlements.map((s) => ('error' in s ? storableText(s.error) : null)),
      ],
      'rowhook_settle',
    );
    // A settled head of a key makes the key's next delivery due now: wake the claimers (in this
    // process and others) rather than leave it to the poll. Sent at commit when in a transaction.
    if (settlements.some((s) => s.kind !== 'retry' && s.delivery.orderingKey !== undefined)) {
      await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
    }
    return { applied: new Set(rows.map((row) => row.id)) };
  }

  async release(deliveries: readonly ClaimedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.query(
      `update rowhook.deliveries d
          set leased = false, attempts = greatest(d.attempts - 1, 0), receipt = null,
              next_attempt_at = coalesce($3::timestamptz, now()), updated_at = now()
         from unnest($1::uuid[], $2::uuid[]) as r(id, receipt)
        where d.id = r.id and d.receipt = r.receipt and d.state = 'pending'`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.receipt), this.options.now?.() ?? null],
    );
    await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
  }
}
