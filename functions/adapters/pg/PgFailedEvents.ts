import type { FailedEvents } from '../../ports/FailedEvents.ts';
import {
  decodeFailedEventsCursor,
  FAILED_EVENTS_SQL,
  type FailedEventRow,
  failedEventsPage,
} from '../sql/failedEventsQuery.ts';
import type { Database } from './Database.ts';

/** Outbox events the relay recorded as not (fully) published, for operators. */
export class PgFailedEvents implements FailedEvents {
  constructor(private readonly db: Database) {}

  async list(filter: { tenantId?: string }, page: { limit: number; cursor: string | null }) {
    const rows = await this.db.query<FailedEventRow>(
      FAILED_EVENTS_SQL({ tenantId: '$1', before: '$2', limit: '$3' }),
      [filter.tenantId ?? null, decodeFailedEventsCursor(page.cursor), page.limit + 1],
    );
    return failedEventsPage(rows, page.limit);
  }
}
