import pg from 'pg';

const PAYLOAD = 'x'.repeat(200);

export interface RowTarget {
  tenantId: string;
  buckets: number;
}

/**
 * Commits `total` rows spread round-robin over the targets' tenants and buckets, `perStatement` rows
 * per INSERT statement (one transaction each), from `clients` connections at once.
 */
export async function writeRows(
  databaseUrl: string,
  table: string,
  targets: readonly RowTarget[],
  options: { total: number; perStatement: number; clients: number },
): Promise<{ firstCommitAt: number; lastCommitAt: number }> {
  const statements = Math.ceil(options.total / options.perStatement);
  let next = 0;
  let firstCommitAt = 0;
  let lastCommitAt = 0;
  const tenants = targets.map((target) => target.tenantId);
  const buckets = targets[0]?.buckets ?? 1;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        for (;;) {
          const index = next;
          next += 1;
          if (index >= statements) break;
          const start = index * options.perStatement;
          const rows = Math.min(options.perStatement, options.total - start);
          await client.query(
            `insert into ${table} (tenant_id, bucket, payload)
             select ($1::text[])[1 + (n % $2)], (n / $2) % $3, $4
             from generate_series($5::bigint, $5::bigint + $6 - 1) as n`,
            [tenants, tenants.length, buckets, PAYLOAD, start, rows],
          );
          const now = Date.now();
          if (firstCommitAt === 0) firstCommitAt = now;
          lastCommitAt = now;
        }
      } finally {
        await client.end();
      }
    }),
  );
  return { firstCommitAt, lastCommitAt };
}

/**
 * Offers `perSecond` rows for one tenant for `seconds`, in ticks of 10 ms (a short INSERT per tick),
 * so latency is measured at a steady load rather than a burst. Stops early when `signal` aborts.
 */
export async function offerLoad(
  databaseUrl: string,
  table: string,
  target: RowTarget,
  options: { perSecond: number; seconds: number },
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tickMs = 10;
  const started = Date.now();
  let written = 0;
  try {
    while (Date.now() - started < options.seconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.perSecond);
      const rows = due - written;
      if (rows > 0) {
        await client.query(
          `insert into ${table} (tenant_id, bucket, payload)
           select $1, n % $2, $3 from generate_series(1, $4) as n`,
          [target.tenantId, target.buckets, PAYLOAD, rows],
        );
        written += rows;
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
  } finally {
    await client.end();
  }
  return written;
}
