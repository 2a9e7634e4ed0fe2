import type { OutboxEvent } from '../../core/events/OutboxEvent.ts';
import type { NewOutboxEvent, OutboxSource, OutboxWriter, PublishOutcome } from '../../ports/OutboxSource.ts';
import { OUTBOX_SQL } from '../sql/outboxSql.ts';
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
        OUTBOX_SQL.claimUnpublished({
          columns: 'id, tenant_id, event_type, body, occurred_at, target_endpoint_id',
          limit: '$1',
        }),
        [limit],
      );
      if (rows.length === 0) return 0;
      const outcome = await publish(rows.map(toEvent));
      // The claim marked them published already; only the rejected ones have a reason to record.
      if (outcome.rejected.length > 0) {
        await this.db.query(OUTBOX_SQL.markPublished('unnest($1::uuid[], $2::text[]) as r(id, reason)'), [
          outcome.rejected.map((r) => r.eventId),
          outcome.rejected.map((r) => r.reason),
        ]);
      }
      return rows.length;
    });
  }

  async append(event: NewOutboxEvent): Promise<string> {
    const sql = OUTBOX_SQL.appendEvent({ tenantId: '$1', type: '$2', body: '$3', targetEndpointId: '$4' });
    const [row] = await this.db.query<{ id: string }>(sql, [
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
