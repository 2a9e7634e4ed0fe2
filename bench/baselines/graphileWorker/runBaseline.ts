import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import type { BenchReceiver } from '../../receiver/startBenchReceiver.ts';
import type { ThroughputWorkload } from '../../scenarios/throughput.ts';
import type { DatabaseFactory } from '../../support/freshDatabase.ts';
import { measureWorkload } from '../../support/measureWorkload.ts';
import { spawnScript } from '../../support/spawnScript.ts';
import { BASELINE_CONFIGURATIONS, type BaselineMode } from './configurations.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TABLE = 'baseline_orders';

// A job per row, added by a row-level trigger in the writer's transaction (as Rowhook's capture
// trigger writes its outbox row there), carrying what the task signs and sends.
const SCHEMA = `
  create table ${TABLE} (
    id bigserial primary key, tenant_id text not null, bucket int not null, payload text not null);
  create function ${TABLE}_enqueue() returns trigger language plpgsql as $$
  begin
    perform graphile_worker.add_job('deliver', json_build_object(
      'target', new.tenant_id || '/' || new.bucket,
      'id', 'msg_' || new.id,
      'body', json_build_object('type', '${TABLE}.created', 'timestamp', now(), 'data', row_to_json(new))));
    return null;
  end $$;
  create trigger ${TABLE}_enqueue after insert on ${TABLE}
    for each row execute function ${TABLE}_enqueue();`;

/**
 * The throughput workload through the baseline in one of its configurations, the worker in its own
 * process; every offered row accounted for, as in Rowhook's run.
 */
export async function measureBaseline(
  databases: DatabaseFactory,
  receiver: BenchReceiver,
  mode: BaselineMode,
  workload: ThroughputWorkload,
) {
  const db = await databases(`bench_baseline_${mode}`);
  try {
    await runMigrations({ connectionString: db.url, logger: undefined });
    const endpoints: Record<string, { url: string; secret: string }> = {};
    const secrets: Record<string, string> = {};
    const targets = [];
    for (let t = 0; t < workload.tenants; t += 1) {
      targets.push({ tenantId: `bl${t}`, buckets: workload.endpointsPerTenant });
      for (let b = 0; b < workload.endpointsPerTenant; b += 1) {
        const endpointPath = `/e/bl${t}/${b}`;
        const secret = `whsec_${Buffer.from(`baseline-secret-${t}-${b}-0123456789`).toString('base64')}`;
        endpoints[`bl${t}/${b}`] = { url: `${receiver.url}${endpointPath}`, secret };
        secrets[endpointPath] = secret;
      }
    }
    await receiver.setSecrets(secrets);
    const setup = new pg.Client({ connectionString: db.url });
    await setup.connect();
    await setup.query(SCHEMA);
    await setup.end();

    const worker = await spawnScript(path.join(here, 'worker.ts'), /WORKER READY synchronous_commit=(\w+)/, {
      BASELINE_DATABASE_URL: db.url,
      BASELINE_ENDPOINTS: JSON.stringify(endpoints),
      BASELINE_MODE: mode,
    });
    try {
      return {
        mode,
        configuration: BASELINE_CONFIGURATIONS[mode],
        /** As the worker's pool reported it at start. */
        synchronousCommit: worker.ready,
        ...(await measureWorkload(db.url, TABLE, targets, receiver, workload)),
        peakRssMiB: await worker.peakRssMiB(),
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await db.drop();
  }
}
