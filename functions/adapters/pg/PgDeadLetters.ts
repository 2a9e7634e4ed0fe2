import type { DeadLetter, DeadLetterDetail, DeadLetterFilter, DeadLetters } from '../../ports/DeadLetters.ts';
import type { Page } from '../../ports/SubscriptionStore.ts';
import { cursorTimestamp, decodeCursor, encodeCursor } from './cursor.ts';
import type { Database } from './Database.ts';
import { DELIVERY_WAKEUP_CHANNEL } from './PgDeliveryQueue.ts';

interface DeadRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  finished_at: Date;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  body?: string;
}

// $1..$3 are the filter; callers append their own parameters after them.
const MATCHES_FILTER = `d.state = 'dead'
  and ($1::text is null or d.tenant_id = $1)
  and ($2::text is null or d.endpoint_id = $2)
  and ($3::text is null or o.event_type = $3)`;

export class PgDeadLetters implements DeadLetters {
  constructor(private readonly db: Database) {}

  async list(
    filter: DeadLetterFilter,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<DeadLetter>> {
    const before = page.cursor ? decodeCursor(page.cursor, ['string', 'string']) : null;
    const rows = await this.db.query<DeadRow & { cursor_at: string }>(
      `select d.id, d.tenant_id, d.endpoint_id, d.event_id, o.event_type, d.finished_at, d.attempts,
              d.last_status, d.last_error, ${cursorTimestamp('d.finished_at')} as cursor_at
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where ${MATCHES_FILTER}
          and ($4::timestamptz is null or (d.finished_at, d.id) < ($4::timestamptz, $5::uuid))
        order by d.finished_at desc, d.id desc
        limit $6`,
      [...filterParams(filter), before?.[0] ?? null, before?.[1] ?? null, page.limit + 1],
    );
    const last = rows[page.limit - 1];
    return {
      items: rows.slice(0, page.limit).map(toDeadLetter),
      nextCursor: rows.length > page.limit && last ? encodeCursor([last.cursor_at, last.id]) : null,
    };
  }

  async get(id: string): Promise<DeadLetterDetail | undefined> {
    const [row] = await this.db.query<DeadRow & { body: string }>(
      `select d.id, d.tenant_id, d.endpoint_id, d.event_id, o.event_type, d.finished_at, d.attempts,
              d.last_status, d.last_error, o.body
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where d.id = $1 and d.state = 'dead'`,
      [id],
    );
    return row && { ...toDeadLetter(row), body: row.body };
  }

  async redrive(id: string) {
    const rows = await this.db.query(
      `update rowhook.deliveries set state = 'pending', attempts = 0, next_attempt_at = now(),
              finished_at = null, updated_at = now()
        where id = $1 and state = 'dead' returning id`,
      [id],
    );
    if (rows.length > 0) await this.wake();
    return rows.length > 0;
  }

  async redriveMatching(filter: DeadLetterFilter) {
    const rows = await this.db.query(
      `update rowhook.deliveries d set state = 'pending', attempts = 0, next_attempt_at = now(),
              finished_at = null, updated_at = now()
         from rowhook.outbox o
        where o.id = d.event_id and ${MATCHES_FILTER}
       returning d.id`,
      filterParams(filter),
    );
    if (rows.length > 0) await this.wake();
    return rows.length;
  }

  async discard(id: string) {
    const rows = await this.db.query(
      `update rowhook.deliveries set state = 'discarded', updated_at = now()
        where id = $1 and state = 'dead' returning id`,
      [id],
    );
    return rows.length > 0;
  }

  private async wake() {
    await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
  }
}

function filterParams(filter: DeadLetterFilter) {
  return [filter.tenantId ?? null, filter.endpointId ?? null, filter.eventType ?? null];
}

function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    failedAt: row.finished_at,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
  };
}
