import type {
  ClaimedDelivery,
  DeliveryQueue,
  EnqueueResult,
  NewDelivery,
  Settlement,
} from '../../ports/DeliveryQueue.ts';
import type { Database } from './Database.ts';
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

export class PgDeliveryQueue implements DeliveryQueue {
  constructor(private readonly db: Database) {}

  /** Never rejects a delivery: the table stores bodies by reference to the outbox row, of any size. */
  async enqueue(deliveries: readonly NewDelivery[]): Promise<EnqueueResult> {
    if (deliveries.length === 0) return { enqueued: 0, rejected: [] };
    const rows = await this.db.query(
      `insert into rowhook.deliveries (id, event_id, endpoint_id, tenant_id)
       select rowhook.uuidv7(), d.event_id, d.endpoint_id, d.tenant_id
         from unnest($1::uuid[], $2::text[], $3::text[]) as d(event_id, endpoint_id, tenant_id)
       on conflict (event_id, endpoint_id) do nothing
       returning id`,
      [
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.endpointId),
        deliveries.map((d) => d.tenantId),
      ],
    );
    // One wake-up per batch, not per delivery; workers also poll, so a lost one only delays.
    await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
    return { enqueued: rows.length, rejected: [] };
  }

  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.db.query<ClaimRow>(
      `with due as (
         select id from rowhook.deliveries
          where state = 'pending' and next_attempt_at <= now()
          order by next_attempt_at
          limit $1
          for update skip locked
       )
       update rowhook.deliveries d
          set attempts = d.attempts + 1,
              receipt = gen_random_uuid(),
              next_attempt_at = now() + $2 * interval '1 millisecond',
              updated_at = now()
         from due, rowhook.outbox o
        where d.id = due.id and o.id = d.event_id
       returning d.id, d.event_id, d.endpoint_id, d.tenant_id, d.attempts, d.receipt, o.event_type, o.body`,
      [limit, leaseMs],
    );
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

  async settle(settlements: readonly Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    const state = (s: Settlement) => (s.kind === 'retry' ? 'pending' : s.kind);
    // Matching the receipt ignores a worker whose lease ran out and whose delivery has since been
    // claimed again (perhaps after a redrive): the newer claim decides.
    await this.db.query(
      `update rowhook.deliveries d
          set state = s.state,
              next_attempt_at = case when s.state = 'pending'
                                     then now() + s.delay_ms * interval '1 millisecond'
                                     else d.next_attempt_at end,
              last_status = s.status,
              last_error = s.error,
              finished_at = case when s.state = 'pending' then null else now() end,
              updated_at = now()
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::text[])
              as s(id, receipt, state, delay_ms, status, error)
        where d.id = s.id and d.receipt = s.receipt and d.state = 'pending'`,
      [
        settlements.map((s) => s.delivery.id),
        settlements.map((s) => s.delivery.receipt),
        settlements.map(state),
        settlements.map((s) => (s.kind === 'retry' ? Math.round(s.delayMs) : 0)),
        settlements.map((s) => ('status' in s ? s.status : null)),
        settlements.map((s) => ('error' in s ? storableText(s.error) : null)),
      ],
    );
  }
}
