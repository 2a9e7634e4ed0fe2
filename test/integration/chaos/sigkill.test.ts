import { randomInt as cryptoRandomInt } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { CHAOS_RUNTIME_ENV, KILL_AT_VARIABLE } from '../../support/chaos/constants.ts';
import {
  CHAOS_RUNTIME_ENTRY,
  killHard,
  type RuntimeProcess,
  spawnRuntime,
  startRuntimeProcess,
} from '../../support/spawnRuntime.ts';
import { apiClient } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { describePlan, type KillPlan, killSchedule } from './killSchedule.ts';
import { randomInt, seededRandom } from './seededRandom.ts';
import { WriteLoad } from './WriteLoad.ts';

// `npm test` runs 20 kill points; `npm run test:chaos` sets ROWHOOK_CHAOS_KILLS for a longer run.
const KILLS = Math.max(20, Number(process.env.ROWHOOK_CHAOS_KILLS ?? 20));
const SEED = Number(process.env.ROWHOOK_CHAOS_SEED ?? cryptoRandomInt(2 ** 31));
/** A named kill point the pipeline does not reach in this long is replaced by a SIGKILL from here. */
const POINT_FALLBACK_MS = 1_500;
/** Runtimes alive at once, each killed and restarted on its own schedule (they share the database). */
const LANES = 2;

const RUNTIME_ENV = CHAOS_RUNTIME_ENV;

let database: TestDatabase;
let receiver: TestReceiver;
const processes: Pick<RuntimeProcess, 'process'>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await new TestReceiver().start();
});

afterAll(async () => {
  await Promise.all(processes.map(killHard));
  await receiver?.stop();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one plan against a fresh runtime process; resolves once that process is dead. */
async function runUntilKilled(plan: KillPlan): Promise<'self' | 'external'> {
  const env =
    plan.kind === 'point' ? { ...RUNTIME_ENV, [KILL_AT_VARIABLE]: `${plan.point}:${plan.n}` } : RUNTIME_ENV;
  const runtime = startRuntimeProcess(database.url, env, CHAOS_RUNTIME_ENTRY);
  processes.push(runtime);
  if (plan.kind === 'startup') {
    await sleep(plan.delayMs);
  } else if (plan.kind === 'delay') {
    await runtime.ready;
    await sleep(plan.delayMs);
  } else {
    // It may reach its point before it has even printed its API address.
    await Promise.race([runtime.exited, runtime.ready.then(() => sleep(POINT_FALLBACK_MS))]);
  }
  const self = runtime.process.signalCode !== null || runtime.process.exitCode !== null;
  await killHard(runtime);
  const signal = await runtime.exited;
  if (signal !== 'SIGKILL')
    throw new Error(`runtime ended with ${signal} instead of SIGKILL:\n${runtime.output()}`);
  return self ? 'self' : 'external';
}

describe('SIGKILL chaos', () => {
  it(
    `delivers every committed row at least once across ${KILLS} kills (ROWHOOK_CHAOS_SEED=${SEED})`,
    async () => {
      const random = seededRandom(SEED);
      const plans = killSchedule(random, KILLS);
      const outcomes: string[] = [];
      onTestFailed(() => {
        console.error(
          `chaos schedule (replay with ROWHOOK_CHAOS_SEED=${SEED}):\n${outcomes.map((o, i) => `  ${i + 1}. ${o}`).join('\n')}`,
        );
      });

      // Answers after a short random delay, so kills find attempts in flight; 5% fail and are retried.
      const receiverRandom = seededRandom(SEED ^ 0x5eed);
      receiver.respondWith((_req, _i, res) => {
        const status = receiverRandom() < 0.05 ? 500 : 200;
        setTimeout(() => res.writeHead(status).end(), randomInt(receiverRandom, 0, 30));
      });

      const setup = await spawnRuntime(database.url, RUNTIME_ENV);
      processes.push(setup);
      const api = apiClient(setup.apiUrl);
      const tenant = await api.createTenant('chaos');
      const endpoint = await api.createEndpoint(tenant.apiKey, { url: receiver.url });
      await database.db.query(
        `create table chaos_rows (id int primary key, tenant_id text not null, note text);
         select rowhook.track_table('chaos_rows', 'tenant_id', 'row');`,
      );
      await killHard(setup);

      const load = new WriteLoad(await database.client(), 'chaos_rows', 'chaos', seededRandom(SEED ^ 0x10ad));
      load.start();
      try {
        await Promise.all(
          Array.from({ length: LANES }, async (_, lane) => {
            for (let i = lane; i < plans.length; i += LANES) {
              const plan = plans[i] as KillPlan;
              outcomes[i] = `${describePlan(plan)} -> ${await runUntilKilled(plan)}`;
            }
          }),
        );
      } finally {
        await load.stop();
      }

      // Recovery: one runtime left alone until everything committed has been delivered.
      const final = await spawnRuntime(database.url, RUNTIME_ENV);
      processes.push(final);
      onTestFailed(async () => {
        const states = await database.db.query(
          `select state, last_status, left(last_error, 120) as error, count(*)::int as n
             from rowhook.deliveries group by 1, 2, 3
           union all select 'unpublished', null, null, count(*)::int from rowhook.outbox where published_at is null`,
        );
        console.error(`deliveries: ${JSON.stringify(states)}; received ${receiver.received.length}`);
        const orphans = await database.db.query(
          `select count(*)::int as n, min(o.published_at)::text as first, max(o.published_at)::text as last,
                  string_agg(distinct coalesce(o.publish_error, '-'), '; ') as errors
             from rowhook.outbox o where not exists (select 1 from rowhook.deliveries d where d.event_id = o.id)`,
        );
        console.error(`outbox events without deliveries: ${JSON.stringify(orphans)}`);
        console.error(JSON.stringify(await database.db.query('select * from rowhook.endpoints')));
        console.error(`recovery runtime output (end):\n${final.output().slice(-4_000)}`);
      });
      // Incremental: the receiver shares this event loop, so the poll must stay cheap.
      const deliveredIds = new Set<number>();
      let parsed = 0;
      const undelivered = () => {
        for (; parsed < receiver.received.length; parsed++)
          deliveredIds.add(JSON.parse(receiver.received[parsed]?.body ?? '{}').data.id);
        return [...load.committed].filter((id) => !deliveredIds.has(id)).length;
      };
      await expect
        .poll(undelivered, {
          timeout: 120_000 + KILLS * 500,
          interval: 250,
        })
        .toBe(0);
      // Settled too: nothing is left that a later attempt could still send.
      await expect
        .poll(
          async () =>
            (
              await database.db.query<{ n: number }>(
                `select ((select count(*) from rowhook.deliveries where state <> 'delivered')
                      + (select count(*) from rowhook.outbox where published_at is null))::int as n`,
              )
            )[0]?.n,
          { timeout: 30_000, interval: 200 },
        )
        .toBe(0);
      await killHard(final);

      const verifier = new Webhook(endpoint.secret);
      const bodiesById = new Map<string, Set<string>>();
      const webhookIdsByRow = new Map<number, Set<string>>();
      for (const webhook of receiver.received) {
        verifier.verify(webhook.body, webhook.headers as Record<string, string>);
        const webhookId = String(webhook.headers['webhook-id']);
        bodiesById.set(webhookId, (bodiesById.get(webhookId) ?? new Set()).add(webhook.body));
        const row = JSON.parse(webhook.body) as { type: string; data: { id: number } };
        expect(row.type).toBe('row.created');
        webhookIdsByRow.set(row.data.id, (webhookIdsByRow.get(row.data.id) ?? new Set()).add(webhookId));
      }
      // Every duplicate is the same webhook (same id, same bytes); each row has exactly one id.
      for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);
      for (const ids of webhookIdsByRow.values()) expect(ids.size).toBe(1);
      expect([...webhookIdsByRow.keys()].sort((a, b) => a - b)).toEqual(
        [...load.committed].sort((a, b) => a - b),
      );
      expect([...load.rolledBack].filter((id) => webhookIdsByRow.has(id))).toEqual([]);
      const [leaked] = await database.db.query<{ n: number }>(
        `select count(*)::int as n from rowhook.outbox where (body::jsonb -> 'data' ->> 'id')::int = any($1)`,
        [[...load.rolledBack]],
      );
      expect(leaked?.n).toBe(0);

      // The schedule did what it meant to: kills landed mid-pipeline and caused redeliveries.
      expect(outcomes.filter(Boolean)).toHaveLength(KILLS);
      expect(outcomes.filter((o) => o.endsWith('self')).length).toBeGreaterThan(0);
      expect(load.committed.size).toBeGreaterThan(KILLS);
      expect(load.rolledBack.size).toBeGreaterThan(0);
      expect(receiver.received.length).toBeGreaterThan(webhookIdsByRow.size);
    },
    120_000 + KILLS * 8_000,
  );
});
