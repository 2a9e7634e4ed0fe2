import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import { type BenchReceiver, waitForDeliveries } from '../../receiver/startBenchReceiver.ts';
import { spawnScript } from '../../support/spawnScript.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TABLE = 'baseline_orders';

/**
 * 6. The same throughput workload through the baseline: rows and one job per row committed in the
 * same transaction (500 rows per statement, 4 clients), the worker in its own process.
 */
export async function measureBaseline(
  databaseUrl: string,
  receiver: BenchReceiver,
  options: { rows: number; tenants: number; endpointsPerTenant: number },
) {
  await runMigrations({ connectionString: databaseUrl, logger: undefined });
  const endpoints: Record<string, { url: string; secret: string }> = {};
  const secrets: Record<string, string> = {};
  for (let t = 0; t < options.tenants; t += 1) {
    for (let b = 0; b < options.endpointsPerTenant; b += 1) {
      const endpointPath = `/e/bl${t}/${b}`;
      const secret = `whsec_${Buffer.from(`baseline-secret-${t}-${b}-0123456789`).toString('base64')}`;
      endpoints[`bl${t}/${b}`] = { url: `${receiver.url}${endpointPath}`, secret };
      secrets[endpointPath] = secret;
    }
  }
  await receiver.setSecrets(secrets);
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query(`create table if not exists ${TABLE} (
    id bigserial primary key, tenant_id text not null, bucket int not null,
    sent_at timestamptz not null default clock_timestamp(), payload text not null)`);
  await setup.end();

  const worker = await spawnScript(path.join(here, 'worker.ts'), /(WORKER READY)/, {
    BASELINE_DATABASE_URL: databaseUrl,
    BASELINE_ENDPOINTS: JSON.stringify(endpoints),
  });
  try {
    await receiver.reset();
    const statements = Math.ceil(options.rows / 500);
    let next = 0;
    let firstCommitAt = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          for (let index = next++; index < statements; index = next++) {
            const start = index * 500;
            const rows = Math.min(500, options.rows - start);
            await client.query(
              `with inserted as (
                 insert into ${TABLE} (tenant_id, bucket, payload)
                 select 'bl' || (n % $1), (n / $1) % $2, $3 from generate_series($4::bigint, $4::bigint + $5 - 1) as n
                 returning *)
               select count(graphile_worker.add_job('deliver', json_build_object(
                 'target', i.tenant_id || '/' || i.bucket,
                 'id', 'msg_' || i.id,
                 'body', json_build_object('type', '${TABLE}.created', 'timestamp', now(), 'data', row_to_json(i)))))
               from inserted i`,
              [options.tenants, options.endpointsPerTenant, 'x'.repeat(200), start, rows],
            );
            if (firstCommitAt === 0) firstCommitAt = Date.now();
          }
        } finally {
          await client.end();
        }
      }),
    );
    const delivered = await waitForDeliveries(receiver, options.rows, 10 * 60_000);
    const seconds = (delivered.lastAt - firstCommitAt) / 1000;
    return {
      rows: options.rows,
      delivered: delivered.unique,
      badSignatures: delivered.badSignatures,
      seconds,
      deliveriesPerSecond: Math.round(delivered.unique / seconds),
      peakRssMiB: await worker.peakRssMiB(),
    };
  } finally {
    await worker.stop();
  }
}
