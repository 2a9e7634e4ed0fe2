import type { PurgeBatch, RetentionStore } from '../../ports/RetentionStore.ts';
import { RETENTION_SQL } from '../sql/retentionSql.ts';
import type { Database } from './Database.ts';

interface BatchRow {
  last_id: string | null;
  scanned: number;
  removed: number;
  attempts?: number;
}

const toBatch = (row: BatchRow | undefined): PurgeBatch => ({
  lastId: row?.last_id ?? null,
  scanned: row?.scanned ?? 0,
  removed: row?.removed ?? 0,
  ...(row?.attempts === undefined ? {} : { attempts: row.attempts }),
});

const PARAMS = { before: '$1', after: '$2', limit: '$3' };

/** The purge over the local runtime's tables; each call is its own (short) transaction. */
export class PgRetentionStore implements RetentionStore {
  constructor(private readonly db: Database) {}

  async purgeDeliveries(before: Date, after: string | null, limit: number): Promise<PurgeBatch> {
    const [row] = await this.db.query<BatchRow>(RETENTION_SQL.purgeDeliveries(PARAMS), [
      before,
      after,
      limit,
    ]);
    return toBatch(row);
  }

  async purgeOutbox(before: Date, after: string | null, limit: number): Promise<PurgeBatch> {
    const [row] = await this.db.query<BatchRow>(RETENTION_SQL.purgeOutbox(PARAMS), [before, after, limit]);
    return toBatch(row);
  }
}
