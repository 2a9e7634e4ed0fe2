import pg from 'pg';
import type { DatabaseFactory } from '../support/freshDatabase.ts';

const TABLE = 'bench_accounts';

export interface BackfillOptions {
  /** Existing rows the backfill emits snapshots for. */
  rows: number;
  /** Rows per backfill batch (one transaction each, as `rowhook backfill --batch`). */
  batch: number;
  /** Writer connections, each committing single-row updates and inserts as fast as it goes. */
  writers: number;
  /** How long the writers run alone, for the comparison. */
  aloneSeconds: number;
}

/** Writers until `stop()`: each transaction updates one existing row or inserts a new one. */
function startWriters(clients: pg.Client[], rows: number, ids: { next: number }) {
  let running = true;
  const started = performance.now();
  const counts = clients.map(async (client, c) => {
    let tx = 0;
    while (running) {
      if (tx % 2 === 0) {
        await client.query(`update ${TABLE} set balance = balance + 1 where id = $1`, [
          1 + ((tx * 7919 + c * 104729) % rows),
        ]);
      } else {
        ids.next += 1;
        await client.query(`insert into ${TABLE} (id, tenant_id, balance) values ($1, $2, 0)`, [
          ids.next,
          `tenant-${c % 10}`,
        ]);
      }
      tx += 1;
    }
    return tx;
  });
  return {
    async stop() {
      running = false;
      const total = (await Promise.all(counts)).reduce((a, b) => a + b, 0);
      return { transactions: total, perSecond: Math.round(total / ((performance.now() - started) / 1000)) };
    },
  };
}

/**
 * Backfill (issue #13): `rows` existing rows emitted as snapshot events in `batch`-row keyset
 * batches, driven as the CLI drives them, while writers commit single-row updates and inserts on
 * the same table; rows/s of the backfill, and the writers' TPS with it running ÷ alone.
 */
export async function measureBackfill(databases: DatabaseFactory, options: BackfillOptions) {
  const db = await databases('bench_backfill');
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  const writers: pg.Client[] = [];
  try {
    await setup.query(`create table ${TABLE} (id bigint primary key, tenant_id text not null,
      balance numeric not null, note text not null default 'bench')`);
    await setup.query(
      `insert into ${TABLE} (id, tenant_id, balance) select g, 'tenant-' || (g % 10), g from generate_series(1, $1) g`,
      [options.rows],
    );
    await setup.query(`select rowhook.track_table('${TABLE}', 'tenant_id')`);
    await setup.query(`vacuum analyze ${TABLE}`);
    for (let w = 0; w < options.writers; w += 1) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      writers.push(client);
    }
    // New rows get ids above the existing ones, in both phases.
    const ids = { next: options.rows };
    const alone = startWriters(writers, options.rows, ids);
    await new Promise((resolve) => setTimeout(resolve, options.aloneSeconds * 1000));
    const writersAlone = await alone.stop();

    const during = startWriters(writers, options.rows, ids);
    const started = performance.now();
    const [{ id } = { id: '' }] = (
      await setup.query<{ id: string }>('select rowhook.backfill_start($1)::text as id', [TABLE])
    ).rows;
    let scanned = 0;
    let emitted = 0;
    let batches = 0;
    for (;;) {
      const { rows } = await setup.query<{ emitted: number; scanned: number; done: boolean }>(
        'select emitted, scanned, done from rowhook.backfill_batch($1, $2)',
        [id, options.batch],
      );
      const result = rows[0];
      if (!result) break;
      scanned += result.scanned;
      emitted += result.emitted;
      batches += 1;
      if (result.done) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const writersDuring = await during.stop();
    const { rows: check } = await setup.query<{ snapshots: number; distinct_rows: number }>(
      `select count(*)::int as snapshots, count(distinct body::jsonb -> 'data' ->> 'id')::int as distinct_rows
         from rowhook.outbox where event_type = $1`,
      [`${TABLE}.snapshot`],
    );
    return {
      rows: options.rows,
      batch: options.batch,
      writers: options.writers,
      scanned,
      emitted,
      batches,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(scanned / seconds),
      // Each row exactly once: as many snapshots as distinct rows, at least the rows there at the start.
      snapshots: check[0]?.snapshots ?? 0,
      distinctRows: check[0]?.distinct_rows ?? 0,
      writersAlone,
      writersDuring,
      writerRatio: Number((writersDuring.perSecond / Math.max(writersAlone.perSecond, 1)).toFixed(3)),
    };
  } finally {
    await Promise.all(writers.map((client) => client.end().catch(() => {})));
    await setup.end().catch(() => {});
    await db.drop();
  }
}
