import type { OutboxEvent } from '../../core/events/OutboxEvent.ts';
import type { NewOutboxEvent, OutboxSource, OutboxWriter, PublishOutcome } from '../../ports/OutboxSource.ts';
import type { Database } from './Database.ts';

interface OutboxRow {
  id: string;
  tenant_id: string;
  event_type: string;
  body: string;
  occurred_at: Date;
  target_endpoint_id: string | null;
}

export class PgOutboxSource implements OutboxSource, OutboxWriter {
  constructor(private readonly db: Database) {}

  claimUnpublished(
    limit: number,
    publish: (events: OutboxEvent[]) => Promise<PublishOutcome>,
  ): Promise<number> {
    // One transaction: the claimed rows stay locked while `publish` runs (on PostgreSQL the queue
    // inserts join this transaction), so publishing and marking commit or roll back together.
    return this.db.transaction(async () => {
      const rows = await this.db.query<OutboxRow>(
        `select id, tenant_id, event_type, body, occurred_at, target_endpoint_id
           from rowhook.outbox
          where published_at is null
          order by id
          limit $1
          for update skip locked`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const outcome = await publish(rows.map(toEvent));
      const reasons = new Map(outcome.rejected.map((r) => [r.eventId, r.reason]));
      await this.db.query(
        `update rowhook.outbox o
            set published_at = now(), publish_error = r.reason
           from unnest($1::uuid[], $2::text[]) as r(id, reason)
          where o.id = r.id`,
        [rows.map((r) => r.id), rows.map((r) => reasons.get(r.id) ?? null)],
      );
      return rows.length;
    });
  }

  async append(event: NewOutboxEvent): Promise<string> {
    const [row] = await this.db.query<{ id: string }>('select rowhook.append_event($1, $2, $3, $4) as id', [
      event.tenantId,
      event.type,
      event.body,
      event.targetEndpointId,
    ]);
    if (!row) throw new Error('insert returned no row');
    return row.id;
  }
}

function toEvent(row: OutboxRow): OutboxEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.event_type,
    body: row.body,
    occurredAt: row.occurred_at,
    targetEndpointId: row.target_endpoint_id,
  };
}
