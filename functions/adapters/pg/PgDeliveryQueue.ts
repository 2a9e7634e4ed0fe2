import { CIRCUIT_BREAKER_FAILURES, ENDPOINT_CONCURRENCY } from '../../core/scheduling/constants.ts';
import type {
  ClaimedDelivery,
  DeliveryQueue,
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

interface ClaimRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  tenant_id: string;
  attempts: number;
  receipt: string;
  event_type: string;
  body: string;
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

  /** Never rejects a delivery: the table stores bodies by reference to the outbox row, of any size. */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    if (deliveries.length === 0) return { enqueued: 0, rejected: [] };
    // The endpoint's lane (its scheduling state) comes with its first delivery.
    const rows = await this.db.query(
      `with added as (
         insert into rowhook.deliveries (id, event_id, endpoint_id, tenant_id, next_attempt_at)
         select rowhook.uuidv7(), d.event_id, d.endpoint_id, d.tenant_id, coalesce($4::timestamptz, now())
           from unnest($1::uuid[], $2::text[], $3::text[]) as d(event_id, endpoint_id, tenant_id)
         on conflict (event_id, endpoint_id) do nothing
         returning id, endpoint_id, tenant_id
       ),
       lanes as (
         insert into rowhook.delivery_lanes (endpoint_id, tenant_id)
         select distinct endpoint_id, tenant_id from added
         on conflict do nothing
       )
       select id from added`,
      [
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.endpointId),
        deliveries.map((d) => d.tenantId),
        this.options.now?.() ?? null,
      ],
      'rowhook_enqueue',
    );
    // One wake-up per batch, not per delivery; workers also poll, so a lost one only delays.
    await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
    return { enqueued: rows.length, rejected: [] };
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
      const lanes = await this.db.query<{ endpoint_id: string }>(
        LOCK_LANES_SQL,
        shared,
        'rowhook_lock_lanes',
      );
      if (lanes.length === 0) return [];
      return this.db.query<ClaimRow>(
        CLAIM_FROM_LANES_SQL,
        [...shared, lanes.map((lane) => lane.endpoint_id), leaseMs],
        'rowhook_claim_from_lanes',
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
    return { applied: new Set(rows.map((row) => row.id)) };
  }
}
