import pg from 'pg';
import type { DatabaseFactory } from '../support/freshDatabase.ts';
import { installHasuraStyleTrigger } from './hasuraStyleTrigger.ts';

const TABLES = {
  untracked: 'bench_plain',
  rowhook: 'bench_tracked',
  hasuraStyle: 'bench_hasura',
} as const;
type Variant = keyof typeof TABLES;
const VARIANTS = Object.keys(TABLES) as Variant[];

export interface CaptureOptions {
  clients: number;
  /** Clients writing 100-row statements. */
  batchClients: number;
  singleRowSeconds: number;
  batchSeconds: number;
  rounds: number;
}

type PerVariant = Record<Variant, number>;

async function rounds(
  clients: pg.Client[],
  options: { seconds: number; rounds: number; rowsPerStatement: number },
  statement: (table: string, client: number) => [string, unknown[]],
): Promise<PerVariant[]> {
  const results: PerVariant[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const result = { untracked: 0, rowhook: 0, hasuraStyle: 0 };
    // Each round starts with another variant, so drift over a round does not favour one.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
    for (const variant of order) {
      const deadline = performance.now() + options.seconds * 1000;
      const counts = await Promise.all(
        clients.map(async (client, c) => {
          let rows = 0;
          while (performance.now() < deadline) {
            const [sql, params] = statement(TABLES[variant], c);
            await client.query(sql, params);
            rows += options.rowsPerStatement;
          }
          return rows;
        }),
      );
      result[variant] = Math.round(counts.reduce((a, b) => a + b, 0) / options.seconds);
    }
    results.push(result);
  }
  return results;
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

function summarizeRounds(perRound: PerVariant[]) {
  const total = (variant: Variant) => perRound.reduce((sum, round) => sum + round[variant], 0);
  const ratios = (variant: Variant) => perRound.map((round) => ratio(round[variant], round.untracked));
  return {
    perRound,
    perSecond: {
      untracked: Math.round(total('untracked') / perRound.length),
      rowhook: Math.round(total('rowhook') / perRound.length),
      hasuraStyle: Math.round(total('hasuraStyle') / perRound.length),
    },
    rowhookRatio: ratio(total('rowhook'), total('untracked')),
    hasuraStyleRatio: ratio(total('hasuraStyle'), total('untracked')),
    rowhookRatios: ratios('rowhook'),
    hasuraStyleRatios: ratios('hasuraStyle'),
    rowhookMinRatio: Math.min(...ratios('rowhook')),
    hasuraStyleMinRatio: Math.min(...ratios('hasuraStyle')),
  };
}

/**
 * What capture costs the writers: INSERTs into a table tracked by Rowhook, into the same table
 * with a Hasura-style event trigger, and into it untracked, in alternating rounds. Single-row
 * transactions (several clients, the OLTP pattern) show the per-transaction cost; 100-row
 * statements the per-row cost. Nothing relays or delivers meanwhile: this is the writers' side only.
 */
export async function measureCapture(databases: DatabaseFactory, options: CaptureOptions) {
  const db = await databases('bench_capture');
  const setup = new pg.Client({ connectionString: db.url });
  await setup.connect();
  const clients: pg.Client[] = [];
  try {
    await setup.query(`
      create table ${TABLES.untracked} (id bigint generated always as identity primary key,
        tenant_id text not null, amount numeric not null, note text,
        created_at timestamptz not null default now());
      create table ${TABLES.rowhook} (like ${TABLES.untracked} including all);
      create table ${TABLES.hasuraStyle} (like ${TABLES.untracked} including all);
      select rowhook.track_table('${TABLES.rowhook}', 'tenant_id');`);
    await installHasuraStyleTrigger(setup, TABLES.hasuraStyle);
    for (let c = 0; c < options.clients; c += 1) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      clients.push(client);
    }
    const singleRow = await rounds(
      clients,
      { seconds: options.singleRowSeconds, rounds: options.rounds, rowsPerStatement: 1 },
      (table, c) => [
        `insert into ${table} (tenant_id, amount, note) values ($1, $2, $3)`,
        [`tenant-${c % 10}`, '12.50', 'bench'],
      ],
    );
    const batched = await rounds(
      clients.slice(0, options.batchClients),
      { seconds: options.batchSeconds, rounds: options.rounds, rowsPerStatement: 100 },
      (table) => [
        `insert into ${table} (tenant_id, amount, note)
         select 'tenant-' || (g % 10), 12.50, 'bench' from generate_series(1, 100) g`,
        [],
      ],
    );
    return {
      clients: options.clients,
      batchClients: options.batchClients,
      rounds: options.rounds,
      singleRowSeconds: options.singleRowSeconds,
      batchSeconds: options.batchSeconds,
      /** Transactions per second (one row each). */
      singleRow: summarizeRounds(singleRow),
      /** Rows per second in 100-row INSERT statements. */
      batched: summarizeRounds(batched),
    };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
    await setup.end();
    await db.drop();
  }
}
