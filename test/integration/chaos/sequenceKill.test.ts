import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { CHAOS_RUNTIME_ENV, KILL_AT_VARIABLE, KILL_POINT } from '../../support/chaos/constants.ts';
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

// webhook-sequence across SIGKILLs: two runtimes on one database, each killed and restarted on its
// own schedule (at the relay's commit boundary among other places) while three connections write.
// The numbers the receiver sees must still be 1..N, one per event, the same on every redelivery.
const SEED = Number(process.env.ROWHOOK_CHAOS_SEED ?? 7013);
const KILLS = 8;
const LANES = 2;
const TABLES = ['seq_kill_a', 'seq_kill_b', 'seq_kill_c'];
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

async function runUntilKilled(plan: KillPlan): Promise<void> {
  const env =
    plan.kind === 'point' ? { ...RUNTIME_ENV, [KILL_AT_VARIABLE]: `${plan.point}:${plan.n}` } : RUNTIME_ENV;
  const runtime = startRuntimeProcess(database.url, env, CHAOS_RUNTIME_ENTRY);
  processes.push(runtime);
  if (plan.kind === 'startup') await sleep(plan.delayMs);
  else if (plan.kind === 'delay') {
    await runtime.ready;
    await sleep(plan.delayMs);
  } else await Promise.race([runtime.exited, runtime.ready.then(() => sleep(1_500))]);
  await killHard(runtime);
  expect(await runtime.exited).toBe('SIGKILL');
}

describe('webhook-sequence across SIGKILL', () => {
  it(
    `stays 1..N per endpoint, one number per event, across ${KILLS} kills of two runtimes (seed ${SEED})`,
    async () => {
      const random = seededRandom(SEED);
      // The relay's commit boundary first: a kill with sequences assigned but not committed.
      const plans: KillPlan[] = [
        { kind: 'point', point: KILL_POINT.relayEnqueued, n: 1 },
        { kind: 'point', point: KILL_POINT.relayEnqueued, n: 2 },
        ...killSchedule(random, KILLS - 2),
      ];
      const outcomes: string[] = [];
      onTestFailed(() => console.error(`kills: ${outcomes.join(', ')}`));
      const receiverRandom = seededRandom(SEED ^ 0x5eed);
      receiver.respondWith((_req, _i, res) => {
        const status = receiverRandom() < 0.05 ? 500 : 200;
        setTimeout(() => res.writeHead(status).end(), randomInt(receiverRandom, 0, 30));
      });

      const setup = await spawnRuntime(database.url, RUNTIME_ENV);
      processes.push(setup);
      const api = apiClient(setup.apiUrl);
      const tenant = await api.createTenant('seq-kill');
      const endpoint = await api.createEndpoint(tenant.apiKey, { url: receiver.url });
      for (const table of TABLES) {
        await database.db.query(
          `create table ${table} (id int primary key, tenant_id text not null, note text);
           select rowhook.track_table('${table}', 'tenant_id', '${table}');`,
        );
      }
      await killHard(setup);

      const loads = await Promise.all(
        TABLES.map(
          async (table, i) =>
            new WriteLoad(await database.client(), table, 'seq-kill', seededRandom(SEED ^ (0x10ad + i))),
        ),
      );
      for (const load of loads) load.start();
      try {
        await Promise.all(
          Array.from({ length: LANES }, async (_, lane) => {
            for (let i = lane; i < plans.length; i += LANES) {
              const plan = plans[i] as KillPlan;
              await runUntilKilled(plan);
              outcomes[i] = describePlan(plan);
            }
          }),
        );
      } finally {
        await Promise.all(loads.map((load) => load.stop()));
      }

      const final = await spawnRuntime(database.url, RUNTIME_ENV);
      processes.push(final);
      const expected = loads.reduce((sum, load) => sum + load.committed.size, 0);
      const distinct = () => new Set(receiver.received.map((w) => w.headers['webhook-id'])).size;
      await expect.poll(distinct, { timeout: 120_000, interval: 250 }).toBe(expected);

      const verifier = new Webhook(endpoint.secret);
      const byId = new Map<string, Set<string>>();
      for (const w of receiver.received) {
        verifier.verify(w.body, w.headers as Record<string, string>);
        const id = String(w.headers['webhook-id']);
        byId.set(id, (byId.get(id) ?? new Set()).add(String(w.headers['webhook-sequence'])));
      }
      for (const sequences of byId.values()) expect(sequences.size).toBe(1);
      const numbers = [...byId.values()].map((s) => Number([...s][0])).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: expected }, (_, i) => i + 1));

      // The feed agrees with what arrived, number for number.
      const finalApi = apiClient(final.apiUrl);
      const fed: { sequence: number; headers: Record<string, string> }[] = [];
      for (let after = 0; ; ) {
        const page = await finalApi.call(
          'GET',
          `/v1/endpoints/${endpoint.id}/events?after=${after}&limit=250`,
          tenant.apiKey,
        );
        if (page.json.items.length === 0) break;
        fed.push(...page.json.items);
        after = page.json.nextAfter;
      }
      expect(fed.map((item) => [item.sequence, item.headers['webhook-id']])).toEqual(
        fed.map((item) => [item.sequence, [...byId].find(([, s]) => s.has(String(item.sequence)))?.[0]]),
      );
      expect(fed).toHaveLength(expected);
      await killHard(final);

      // The kills did land mid-pipeline: some events arrived more than once.
      expect(outcomes.filter(Boolean)).toHaveLength(KILLS);
      expect(receiver.received.length).toBeGreaterThan(expected);
      expect(expected).toBeGreaterThan(KILLS);
    },
    120_000 + KILLS * 8_000,
  );
});
