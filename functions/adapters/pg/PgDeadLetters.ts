import type {
  DeadLetter,
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterSummary,
  DeadLetters,
} from '../../ports/DeadLetters.ts';
import type { Page } from '../../ports/SubscriptionStore.ts';
import { cursorTimestamp, decodeCursor, encodeCursor } from '../sql/cursor.ts';
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
  error_class: string;
  body?: string;
}

const ERROR_CLASS = 'rowhook.failure_class(d.last_status, d.last_error)';

// $1..$7 are the filter; callers append their own parameters after them.
const MATCHES_FILTER = `d.state = 'dead'
  and ($1::text is null or d.tenant_id = $1)
  and ($2::text is null or d.endpoint_id = $2)
  and ($3::text is null or o.event_type = $3)
  and ($4::text is null or ${ERROR_CLASS} = $4)
  and ($5::timestamptz is null or d.finished_at >= $5)
  and ($6::timestamptz is null or d.finished_at < $6)
  and ($7::uuid[] is null or d.id = any($7))`;

const DEAD_COLUMNS = `d.id, d.tenant_id, d.endpoint_id, d.event_id, o.event_type, d.finished_at, d.attempts,
  d.last_status, d.last_error, ${ERROR_CLASS} as error_class`;

export class PgDeadLetters implements DeadLetters {
  constructor(private readonly db: Database) {}

  async list(
    filter: DeadLetterFilter,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<DeadLetter>> {
    const before = page.cursor ? decodeCursor(page.cursor, ['string', 'string']) : null;
    const rows = await this.db.query<DeadRow & { cursor_at: string }>(
      `select ${DEAD_COLUMNS}, ${cursorTimestamp('d.finished_at')} as cursor_at
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where ${MATCHES_FILTER}
          and ($8::timestamptz is null or (d.finished_at, d.id) < ($8::timestamptz, $9::uuid))
        order by d.finished_at desc, d.id desc
        limit $10`,
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
      `select ${DEAD_COLUMNS}, o.body
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where d.id = $1 and d.state = 'dead'`,
      [id],
    );
    return row && { ...toDeadLetter(row), body: row.body };
  }

  async summarize(filter: DeadLetterFilter): Promise<DeadLetterSummary> {
    const rows = await this.db.query<{
      tenant_id: string;
      endpoint_id: string;
      error_class: string;
      count: number;
      first_failed_at: Date;
      last_failed_at: Date;
    }>(
      `select d.tenant_id, d.endpoint_id, ${ERROR_CLASS} as error_class, count(*)::int as count,
              min(d.finished_at) as first_failed_at, max(d.finished_at) as last_failed_at
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where ${MATCHES_FILTER}
        group by 1, 2, 3
        order by count desc, 1, 2, 3`,
      filterParams(filter),
    );
    return {
      total: rows.reduce((sum, row) => sum + row.count, 0),
      groups: rows.map((row) => ({
        tenantId: row.tenant_id,
        endpointId: row.endpoint_id,
        errorClass: row.error_class,
        count: row.count,
        firstFailedAt: row.first_failed_at,
        lastFailedAt: row.last_failed_at,
      })),
    };
  }

  async count(filter: DeadLetterFilter): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      `select count(*)::int as n
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where ${MATCHES_FILTER}`,
      filterParams(filter),
    );
    return row?.n ?? 0;
  }

  async redrive(id: string) {
    const rows = await this.db.query(
      // The receipt goes too: a late copy of the settlement that dead-lettered it must not match
      // the redriven delivery and undo the redrive.
      `update rowhook.deliveries set state = 'pending', attempts = 0, next_attempt_at = now(),
              finished_at = null, receipt = null, updated_at = now()
        where id = $1 and state = 'dead' returning id`,
      [id],
    );
    if (rows.length > 0) await this.wake();
    return rows.length > 0;
  }

  async redriveMatching(filter: DeadLetterFilter, limit?: number) {
    // Oldest first, so a client redriving in slices with a fixed `to` works through the backlog in
    // failure order; rows another redrive holds are skipped, not waited for.
    const rows = await this.db.query(
      `with picked as (
         select d.id
           from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
          where ${MATCHES_FILTER}
          order by d.finished_at, d.id
          limit $8
            for update of d skip locked
       )
       update rowhook.deliveries d set state = 'pending', attempts = 0, next_attempt_at = now(),
              finished_at = null, receipt = null, updated_at = now()
         from picked
        where d.id = picked.id
       returning d.id`,
      [...filterParams(filter), limit ?? null],
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
  return [
    filter.tenantId ?? null,
    filter.endpointId ?? null,
    filter.eventType ?? null,
    filter.errorClass ?? null,
    filter.from ?? null,
    filter.to ?? null,
    filter.ids ? [...filter.ids] : null,
  ];
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
    errorClass: row.error_class,
  };
}
