/** One batch of a purge over one table: where it stopped and what it removed. */
export interface PurgeBatch {
  /** The last id the batch looked at: the next batch starts after it. Null: nothing looked at yet. */
  lastId: string | null;
  /** Rows the batch looked at; fewer than asked means the table is done up to the cutoff. */
  scanned: number;
  removed: number;
  /** Attempts removed with their deliveries (deliveries only). */
  attempts?: number;
}

/**
 * Removes what is older than the retention period and no longer needed, one short transaction per
 * call (see sql/migrations/0017_retention.sql for what is kept). Batches walk ids from `after`.
 */
export interface RetentionStore {
  purgeDeliveries(before: Date, after: string | null, limit: number): Promise<PurgeBatch>;
  purgeOutbox(before: Date, after: string | null, limit: number): Promise<PurgeBatch>;
}
