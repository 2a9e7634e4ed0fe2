import pg from 'pg';
import type { BenchReceiver } from '../receiver/startBenchReceiver.ts';
import { setUpBench, spawnBenchRuntime } from '../support/benchRuntime.ts';
import type { DatabaseFactory } from '../support/freshDatabase.ts';
import { measureWorkload } from '../support/measureWorkload.ts';
import type { ThroughputWorkload } from './throughput.ts';

const TABLE = 'bench_orders';

/**
 * Delivered history two days old: `count` published events, each with a delivered delivery and two
 * attempts, with UUIDv7 ids of that time (the purge walks ids by time).
 */
async function seedHistory(databaseUrl: string, count: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `create temp table seed as
         select (left(rowhook.uuidv7_floor(now() - interval '2 days')::text, 14)
                 || substr(gen_random_uuid()::text, 15))::uuid as event_id,
                (left(rowhook.uuidv7_floor(now() - interval '2 days')::text, 14)
                 || substr(gen_random_uuid()::text, 15))::uuid as delivery_id,
                'seed-' || (g % 10) as tenant_id
           from generate_series(1, $1) g`,
      [count],
    );
    await client.query(`insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
      select event_id, tenant_id, 'seed.created', '{"type":"seed.created","data":{"note":"old history"}}',
             now() - interval '2 days', now() - interval '2 days' from seed`);
    await client.query(`insert into rowhook.deliveries (id, event_id, endpoint_id, tenant_id, state, attempts,
        created_at, updated_at, finished_at)
      select delivery_id, event_id, 'ep_seed', tenant_id, 'delivered', 1, now() - interval '2 days',
             now() - interval '2 days', now() - interval '2 days' from seed`);
    await client.query(`insert into rowhook.attempts (delivery_id, tenant_id, endpoint_id, event_id, attempt,
        started_at, webhook_timestamp, status, latency_ms, response_snippet)
      select delivery_id, tenant_id, 'ep_seed', event_id, n, now() - interval '2 days', 0, 200, 3, 'ok'
        from seed, generate_series(1, 2) n`);
    await client.query('analyze rowhook.outbox; analyze rowhook.deliveries; analyze rowhook.attempts');
  } finally {
    await client.end();
  }
}

async function seedLeft(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from rowhook.deliveries where endpoint_id = 'ep_seed'`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** One throughput run over a database holding `history` old deliveries, with the given retention. */
async function runWith(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  workload: ThroughputWorkload,
  options: { name: string; history: number; retention: string },
) {
  const db = await databases(options.name);
  const runtime = await spawnBenchRuntime(db.url, {
    ROWHOOK_RETENTION: options.retention,
    ROWHOOK_PURGE_INTERVAL: '100ms',
  });
  try {
    const targets = await setUpBench(db.url, receiver, runtime.apiUrl, {
      table: TABLE,
      prefix: 'pg',
      tenants: workload.tenants,
      endpointsPerTenant: workload.endpointsPerTenant,
    });
    // Seeded last, right before the writes: the purge (every 100 ms) starts on it as they begin.
    await seedHistory(db.url, options.history);
    const measured = await measureWorkload(db.url, TABLE, targets, receiver, workload);
    const left = await seedLeft(db.url);
    return { ...measured, historyPurgedDuringRun: options.history - left, historyLeftAtEnd: left };
  } finally {
    await runtime.stop();
    await db.drop();
  }
}

/**
 * Retention (issue #13): delivery throughput while the background purge removes old history ÷ the
 * same run with nothing to purge. Both databases hold the same history; only the retention differs
 * (1 day: all of it is due; 30 days: none is).
 */
export async function measurePurge(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  workload: ThroughputWorkload,
  history: number,
) {
  const without = await runWith(databases, receiver, workload, {
    name: 'bench_purge_off',
    history,
    retention: '30d',
  });
  const during = await runWith(databases, receiver, workload, {
    name: 'bench_purge_on',
    history,
    retention: '1d',
  });
  return {
    history,
    without,
    during,
    ratio: Number((during.deliveriesPerSecond / Math.max(without.deliveriesPerSecond, 1)).toFixed(3)),
  };
}
