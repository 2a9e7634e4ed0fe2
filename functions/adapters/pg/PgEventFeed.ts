import type { EventFeed, FeedEvent } from '../../ports/EventFeed.ts';
import type { Database } from './Database.ts';

interface FeedRow {
  sequence: string;
  event_id: string;
  event_type: string;
  body: string;
  occurred_at: Date;
}

/**
 * Reads deliveries by (endpoint, sequence). Gap-free without any locking here: the relay numbers an
 * endpoint's deliveries under a counter row it holds until its transaction commits, so a snapshot
 * that shows sequence N+1 shows N as well (see PgDeliveryQueue's ENQUEUE_SQL).
 */
export class PgEventFeed implements EventFeed {
  constructor(private readonly db: Database) {}

  async list(
    tenantId: string,
    endpointId: string,
    page: { after: number; limit: number },
  ): Promise<FeedEvent[]> {
    const rows = await this.db.query<FeedRow>(
      `select d.sequence, d.event_id, o.event_type, o.body, o.occurred_at
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where d.endpoint_id = $2 and d.tenant_id = $1 and d.sequence > $3
        order by d.sequence
        limit $4`,
      [tenantId, endpointId, page.after, page.limit],
      'rowhook_event_feed',
    );
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      eventId: row.event_id,
      eventType: row.event_type,
      body: row.body,
      occurredAt: row.occurred_at,
    }));
  }
}
