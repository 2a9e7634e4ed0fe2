import type { FailedEvent } from '../../ports/FailedEvents.ts';
import type { Page } from '../../ports/SubscriptionStore.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { InvalidCursorError } from './errors.ts';

/** A row of FAILED_EVENTS_SQL, as node-postgres and the Data API's JSON records both return it. */
export interface FailedEventRow {
  id: string;
  tenant_id: string;
  event_type: string;
  /** ISO-8601 text: the Data API would drop the offset of a timestamptz. */
  occurred_at: string;
  size_bytes: number;
  publish_error: string;
}

/**
 * The failed-events view of the outbox, newest first. Each adapter passes its own placeholders
 * (`$1`... for node-postgres, `:tenantId`... for the Data API).
 */
export const FAILED_EVENTS_SQL = (p: { tenantId: string; before: string; limit: string }) =>
  `select id::text as id, tenant_id, event_type, to_json(occurred_at) #>> '{}' as occurred_at,
          octet_length(body) as size_bytes, publish_error
     from rowhook.outbox
    where publish_error is not null
      and (${p.tenantId}::text is null or tenant_id = ${p.tenantId}::text)
      and (${p.before}::uuid is null or id < ${p.before}::uuid)
    order by id desc
    limit ${p.limit}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The event id a page continues below, or null for the first page. */
export function decodeFailedEventsCursor(cursor: string | null): string | null {
  if (cursor === null) return null;
  const [id] = decodeCursor(cursor, ['string']) as [string];
  if (!UUID.test(id))
    throw new InvalidCursorError(
      'cursor is not valid: pass the nextCursor value from a previous page unchanged',
    );
  return id;
}

/** One page from `limit + 1` rows: the extra row only says that there is a next page. */
export function failedEventsPage(rows: readonly FailedEventRow[], limit: number): Page<FailedEvent> {
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    tenantId: row.tenant_id,
    eventType: row.event_type,
    createdAt: new Date(row.occurred_at),
    sizeBytes: Number(row.size_bytes),
    reason: row.publish_error,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}
