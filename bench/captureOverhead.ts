import pg from 'pg';

export interface CaptureOverheadResult {
  clients: number;
  secondsPerRound: number;
  untrackedTps: number;
  trackedTps: number;
  ratio: number;
  /** Rows per second in 100-row INSERT statements: the per-row cost without per-transaction costs. */
  batchedUntrackedRowsPerSecond: number;
  batchedTrackedRowsPerSecond: number;
  batchedRatio: number;
}

/**
 * INSERT transactions per second into a tracked table vs the same table untracked: single-row
 * autocommit INSERTs from several clients at once, alternating rounds so drift hits both alike.
 */
export async function measureCaptureOverhead(
  databaseUrl: string,
  options: { clients: number; secondsPerRound: number; rounds: number },
): Promise<CaptureOverheadResult> {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(`
    drop table if exists bench_plain, bench_tracked;
    create table bench_plain (id bigint generated always as identity primary key, tenant_id text not null,
      amount numeric not null, note text, created_at timestamptz not null default now());
    create table bench_tracked (like bench_plain including all);
    select rowhook.track_table('bench_tracked', 'tenant_id');`);
  const clients = await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const totals = { bench_plain: 0, bench_tracked: 0 };
  for (let round = 0; round < options.rounds; round++) {
    for (const table of ['bench_plain', 'bench_tracked'] as const) {
      const deadline = performance.now() + options.secondsPerRound * 1000;
      const counts = await Promise.all(
        clients.map(async (client, c) => {
          let n = 0;
          while (performance.now() < deadline) {
            await client.query(`insert into ${table} (tenant_id, amount, note) values ($1, $2, $3)`, [
              `tenant-${c % 10}`,
              '12.50',
              'bench',
            ]);
            n++;
          }
          return n;
        }),
      );
      totals[table] += counts.reduce((a, b) => a + b, 0);
    }
  }
  const batched = { bench_plain: 0, bench_tracked: 0 };
  for (let round = 0; round < options.rounds; round++) {
    for (const table of ['bench_plain', 'bench_tracked'] as const) {
      const deadline = performance.now() + options.secondsPerRound * 1000;
      const counts = await Promise.all(
        clients.slice(0, 2).map(async (client) => {
          let n = 0;
          while (performance.now() < deadline) {
            await client.query(
              `insert into ${table} (tenant_id, amount, note)
               select 'tenant-' || (g % 10), 12.50, 'bench' from generate_series(1, 100) g`,
            );
            n += 100;
          }
          return n;
        }),
      );
      batched[table] += counts.reduce((a, b) => a + b, 0);
    }
  }
  await Promise.all(clients.map((c) => c.end()));
  await setup.query('drop table bench_plain, bench_tracked; truncate rowhook.outbox');
  await setup.end();
  const seconds = options.secondsPerRound * options.rounds;
  const untrackedTps = totals.bench_plain / seconds;
  const trackedTps = totals.bench_tracked / seconds;
  return {
    clients: options.clients,
    secondsPerRound: options.secondsPerRound,
    untrackedTps: Math.round(untrackedTps),
    trackedTps: Math.round(trackedTps),
    ratio: Number((trackedTps / untrackedTps).toFixed(3)),
    batchedUntrackedRowsPerSecond: Math.round(batched.bench_plain / seconds),
    batchedTrackedRowsPerSecond: Math.round(batched.bench_tracked / seconds),
    batchedRatio: Number((batched.bench_tracked / batched.bench_plain).toFixed(3)),
  };
}
