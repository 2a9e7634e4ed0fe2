import pg from 'pg';

const PAYLOAD = 'x'.repeat(200);

export interface RowTarget {
  tenantId: string;
  buckets: number;
}

/** Row id → the writer's clock (ms) right after the COMMIT that made the row visible returned. */
export type CommitLog = Map<string, number>;

export interface Written {
  commits: CommitLog;
  firstCommitAt: number;
  lastCommitAt: number;
}

// Row n of a run goes to tenant n mod T and bucket (n div T) mod B, so every tenant and every
// endpoint (bucket) gets its share whatever the statement size.
const INSERT_SERIES = (table: string) => `insert into ${table} (tenant_id, bucket, payload)
  select ($1::text[])[1 + (n % $2)], (n / $2) % $3, $4
  from generate_series($5::bigint, $5::bigint + $6 - 1) as n
  returning id`;

function spread(targets: readonly RowTarget[]) {
  if (targets.length === 0) throw new Error('no targets to write rows for');
  const tenants = targets.map((target) => target.tenantId);
  return { tenants, buckets: targets[0]?.buckets ?? 1 };
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

class CommitRecorder {
  readonly commits: CommitLog = new Map();
  firstCommitAt = 0;
  lastCommitAt = 0;

  /** Each statement runs in its own (autocommit) transaction: when it returns, it has committed. */
  async insert(client: pg.Client, sql: string, params: unknown[]): Promise<number> {
    const result = await client.query<{ id: string }>(sql, params);
    const now = Date.now();
    for (const row of result.rows) this.commits.set(String(row.id), now);
    if (this.firstCommitAt === 0) this.firstCommitAt = now;
    this.lastCommitAt = now;
    return result.rows.length;
  }

  written(): Written {
    return { commits: this.commits, firstCommitAt: this.firstCommitAt, lastCommitAt: this.lastCommitAt };
  }
}

/**
 * Commits `total` rows as fast as it can, `perStatement` rows per INSERT statement (one transaction
 * each), from `clients` connections at once.
 */
export async function writeRows(
  databaseUrl: string,
  table: string,
  targets: readonly RowTarget[],
  options: { total: number; perStatement: number; clients: number },
): Promise<Written> {
  const { tenants, buckets } = spread(targets);
  const recorder = new CommitRecorder();
  const statements = Math.ceil(options.total / options.perStatement);
  let next = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = await connect(databaseUrl);
      try {
        for (let index = next++; index < statements; index = next++) {
          const start = index * options.perStatement;
          const rows = Math.min(options.perStatement, options.total - start);
          await recorder.insert(client, INSERT_SERIES(table), [
            tenants,
            tenants.length,
            buckets,
            PAYLOAD,
            start,
            rows,
          ]);
        }
      } finally {
        await client.end();
      }
    }),
  );
  return recorder.written();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Offers exactly `perSecond` × `seconds` rows spread over the targets, at a steady rate: every
 * 10 ms one INSERT of the rows that fell due, so latency is measured at a steady load, not a burst.
 */
export async function offerLoad(
  databaseUrl: string,
  table: string,
  targets: readonly RowTarget[],
  options: { perSecond: number; seconds: number },
): Promise<Written> {
  const { tenants, buckets } = spread(targets);
  const recorder = new CommitRecorder();
  const total = Math.round(options.perSecond * options.seconds);
  const client = await connect(databaseUrl);
  const started = Date.now();
  let written = 0;
  try {
    while (written < total) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * options.perSecond));
      if (due > written) {
        written += await recorder.insert(client, INSERT_SERIES(table), [
          tenants,
          tenants.length,
          buckets,
          PAYLOAD,
          written,
          due - written,
        ]);
      }
      await sleep(10);
    }
  } finally {
    await client.end();
  }
  return recorder.written();
}

/**
 * Offers exactly `perSecond` × `seconds` rows in single-row transactions from `clients`
 * connections, each paced at its share of the rate (the writer pattern of an OLTP application).
 */
export async function offerSingleRowLoad(
  databaseUrl: string,
  table: string,
  targets: readonly RowTarget[],
  options: { perSecond: number; seconds: number; clients: number },
): Promise<Written> {
  const { tenants, buckets } = spread(targets);
  const recorder = new CommitRecorder();
  const total = Math.round(options.perSecond * options.seconds);
  const clients = await Promise.all(Array.from({ length: options.clients }, () => connect(databaseUrl)));
  const started = Date.now();
  try {
    await Promise.all(
      clients.map(async (client, c) => {
        // Client c writes rows c, c + clients, c + 2·clients, … each when it falls due.
        for (let n = c; n < total; n += clients.length) {
          const wait = started + (n / options.perSecond) * 1000 - Date.now();
          if (wait > 0) await sleep(wait);
          await recorder.insert(
            client,
            `insert into ${table} (tenant_id, bucket, payload) values ($1, $2, $3) returning id`,
            [tenants[n % tenants.length], Math.floor(n / tenants.length) % buckets, PAYLOAD],
          );
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  return recorder.written();
}
