import type { PurgeBatch, RetentionStore } from '../ports/RetentionStore.ts';

export interface PurgeOptions {
  /** Rows older than this (see RetentionStore) go. */
  before: Date;
  /** Rows looked at per batch (one short transaction each). */
  batchSize: number;
  /** Rest between batches, so a long purge leaves the database to deliveries. */
  pauseMs?: number;
  /** Stop early (runtime stopping, Lambda time running out); the next pass starts over. */
  shouldStop?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface PurgeTotals {
  deliveries: number;
  attempts: number;
  events: number;
  batches: number;
  /** False when stopped early. */
  complete: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One purge pass: finished deliveries (and their attempts) first, then the outbox rows no delivery
 * refers to any more, so an event whose deliveries go in this pass can go in the same pass.
 */
export async function purgeExpired(store: RetentionStore, options: PurgeOptions): Promise<PurgeTotals> {
  const totals: PurgeTotals = { deliveries: 0, attempts: 0, events: 0, batches: 0, complete: false };
  const sleep = options.sleep ?? defaultSleep;
  const walk = async (
    purge: (after: string | null) => Promise<PurgeBatch>,
    add: (batch: PurgeBatch) => void,
  ): Promise<boolean> => {
    let after: string | null = null;
    for (;;) {
      if (options.shouldStop?.()) return false;
      const batch = await purge(after);
      totals.batches += 1;
      add(batch);
      if (batch.scanned < options.batchSize) return true;
      after = batch.lastId;
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  };
  const deliveriesDone = await walk(
    (after) => store.purgeDeliveries(options.before, after, options.batchSize),
    (batch) => {
      totals.deliveries += batch.removed;
      totals.attempts += batch.attempts ?? 0;
    },
  );
  if (!deliveriesDone) return totals;
  totals.complete = await walk(
    (after) => store.purgeOutbox(options.before, after, options.batchSize),
    (batch) => {
      totals.events += batch.removed;
    },
  );
  return totals;
}
