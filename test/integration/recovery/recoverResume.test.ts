import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { KILL_AT_VARIABLE, KILL_POINT } from '../../support/chaos/constants.ts';
import {
  CHAOS_RUNTIME_ENTRY,
  killHard,
  type SpawnedRuntime,
  spawnRuntime,
  startRuntimeProcess,
} from '../../support/spawnRuntime.ts';
import { apiClient } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { waitForPipelineDrained } from '../../support/waitForPipelineDrained.ts';
import { isRowNamed, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';
import { type RecoveryBody, waitForRecovery, windowEdge } from './recoverySupport.ts';

const BATCH = 3;
const ROWS = 10;

let database: TestDatabase;
let receiver: TestReceiver;
const runtimes: Pick<SpawnedRuntime, 'process'>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await new TestReceiver().start();
});

afterAll(async () => {
  await Promise.all(runtimes.map(killHard));
  await receiver?.stop();
  await database?.drop();
});

describe('a recover job after a SIGKILL', () => {
  it('is continued by the next runtime from its last committed batch, each event re-sent once, in order', async () => {
    // The events and their first deliveries, on an ordinary runtime, stopped once all are settled.
    const setup = await spawnRuntime(database.url);
    runtimes.push(setup);
    let api = apiClient(setup.apiUrl);
    const tenant = await api.createTenant('resume');
    const endpoint = await api.createEndpoint(tenant.apiKey, { url: receiver.url, maxConcurrency: 1 });
    await database.db.query(
      'create table resume_items (id bigint primary key, tenant_id text not null, name text)',
    );
    await database.db.query("select rowhook.track_table('resume_items', 'tenant_id')");
    const since = await windowEdge(database.db);
    for (let id = 1; id <= ROWS; id++) {
      await database.db.query("insert into resume_items values ($1, 'resume', $2)", [id, `row-${id}`]);
    }
    await receiver.waitForCount(ROWS);
    const originals = receiver.received.map((w) => String(w.headers['webhook-id']));
    await waitForPipelineDrained(database.db, String(fromPublicId('evt', originals.at(-1) ?? '')));
    await killHard(setup);

    // This runtime kills itself right after the job's first batch is queued and committed, before
    // it wakes its deliverer. Its deliverer does not poll meanwhile (60 s): were it to claim part of
    // the batch just before the kill, that part would come back only when its lease ran out, out of
    // order (the engine's at-least-once crash path, not the job's; the chaos tests cover it).
    const first = startRuntimeProcess(
      database.url,
      {
        [KILL_AT_VARIABLE]: `${KILL_POINT.recoveryQueued}:1`,
        ROWHOOK_RECOVERY_BATCH: String(BATCH),
        ROWHOOK_POLL_INTERVAL: '60s',
      },
      CHAOS_RUNTIME_ENTRY,
    );
    runtimes.push(first);
    api = apiClient(await first.ready);

    const started = await api.call('POST', `/v1/endpoints/${endpoint.id}/recover`, tenant.apiKey, { since });
    expect(started.status).toBe(202);
    const job = started.json as RecoveryBody;
    expect(job.total).toBe(ROWS);

    // The latch: the runtime died at the kill point, with the job part-way (one batch queued).
    expect(await first.exited).toBe('SIGKILL');
    const [row] = await database.db.query<{ status: string; sent: number }>(
      'select status, sent from rowhook.recoveries',
    );
    expect(row).toEqual({ status: 'running', sent: BATCH });

    const second = await spawnRuntime(database.url, { ROWHOOK_RECOVERY_BATCH: String(BATCH) });
    runtimes.push(second);
    api = apiClient(second.apiUrl);
    const done = await waitForRecovery(api, tenant.apiKey, job.id);
    expect(done).toMatchObject({ status: 'done', total: ROWS, sent: ROWS });

    // Everything up to a marker written after the job: each event exactly once more, in order.
    await database.db.query("insert into resume_items values (999, 'resume', 'marker')");
    const [received] = await webhooksBeforeMarker(database.db, [receiver], isRowNamed('marker'));
    const resent = (received ?? []).slice(ROWS).map((w) => String(w.headers['webhook-id']));
    expect(resent).toEqual(originals);
  });
});
