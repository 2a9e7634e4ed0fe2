import { randomInt as cryptoRandomInt } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { killHard, type SpawnedRuntime, spawnRuntime } from '../../support/spawnRuntime.ts';
import { apiClient } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { randomInt, seededRandom } from './seededRandom.ts';

// Ordering per key under failures and a crash: 1,000 rows updated 10 times each by concurrent
// writers, a receiver that fails 5 % of requests (seeded), and the runtime SIGKILLed mid-run.
// Checked at the receiver: per row, the first successful delivery of each version comes in commit
// order (0, 1, ..., 10), none missing, and no version is even attempted before the one before it
// has succeeded.
const SEED = Number(process.env.ROWHOOK_CHAOS_SEED ?? cryptoRandomInt(2 ** 31));
const KEYS = 1_000;
const UPDATES = 10;
const WRITERS = 4;
const CHUNK = 50;

const RUNTIME_ENV = {
  // Lease 2 x 2 s + 1 s: the keys whose head was in flight at the kill wait that long, no longer.
  ROWHOOK_DELIVERY_TIMEOUT: '2s',
  // Enough retries that 5 % failures never exhaust one (0.05^11).
  ROWHOOK_RETRY_SCHEDULE: Array(10).fill('50ms').join(','),
  ROWHOOK_POLL_INTERVAL: '200ms',
  ROWHOOK_SWEEP_INTERVAL: '250ms',
};

let database: TestDatabase;
let receiver: TestReceiver;
const runtimes: SpawnedRuntime[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await new TestReceiver().start();
});
afterAll(async () => {
  await Promise.all(runtimes.map(killHard));
  await receiver?.stop();
  await database?.drop();
});

async function startRuntime(): Promise<SpawnedRuntime> {
  const runtime = await spawnRuntime(database.url, RUNTIME_ENV);
  runtimes.push(runtime);
  return runtime;
}

interface Row {
  id: number;
  version: number;
}

/**
 * Per row, walks the arrivals in order: a version is "next" until it is first answered 200. An
 * arrival of a later version before that is an ordering violation; an earlier one is a redelivery.
 */
class OrderCheck {
  readonly next = new Map<number, number>();
  readonly violations: string[] = [];
  private seen = 0;

  constructor(private readonly statuses: number[]) {}

  advance(received: readonly ReceivedWebhook[]): number {
    for (; this.seen < received.length && this.statuses[this.seen] !== undefined; this.seen++) {
      const { id, version } = (JSON.parse(received[this.seen]?.body ?? '{}') as { data: Row }).data;
      const expected = this.next.get(id) ?? 0;
      if (version > expected)
        this.violations.push(`row ${id}: version ${version} arrived before ${expected} succeeded`);
      else if (version === expected && this.statuses[this.seen] === 200) this.next.set(id, expected + 1);
    }
    return [...Array(KEYS).keys()].filter((i) => (this.next.get(i + 1) ?? 0) <= UPDATES).length;
  }
}

describe('ordering per key under SIGKILL', () => {
  it(`delivers ${KEYS} keys x ${UPDATES} updates in commit order per key across a kill (ROWHOOK_CHAOS_SEED=${SEED})`, async () => {
    const receiverRandom = seededRandom(SEED ^ 0x5eed);
    const statuses: number[] = [];
    receiver.respondWith((_req, index, res) => {
      const status = receiverRandom() < 0.05 ? 500 : 200;
      const delay = randomInt(receiverRandom, 0, 5);
      setTimeout(() => {
        statuses[index] = status;
        res.writeHead(status).end();
      }, delay);
    });

    let runtime = await startRuntime();
    const api = apiClient(runtime.apiUrl);
    const tenant = await api.createTenant('ordered');
    const endpoint = await api.createEndpoint(tenant.apiKey, {
      url: receiver.url,
      ordering: 'per-key',
      maxConcurrency: 100,
    });
    await database.db.query(
      `create table ordered_rows (id int primary key, tenant_id text not null, version int not null);
         select rowhook.track_table('ordered_rows', 'tenant_id', 'row');`,
    );

    // Concurrent writers, each owning every WRITERS-th row, each update its own transaction
    // of CHUNK rows; versions count up so the receiver can tell commit order.
    const writes = (async () => {
      await database.db.query(
        `insert into ordered_rows select g, 'ordered', 0 from generate_series(1, ${KEYS}) g`,
      );
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          const client = await database.client();
          const ids = [...Array(KEYS).keys()].map((i) => i + 1).filter((id) => id % WRITERS === w);
          for (let v = 1; v <= UPDATES; v++) {
            for (let i = 0; i < ids.length; i += CHUNK) {
              await client.query('update ordered_rows set version = version + 1 where id = any($1)', [
                ids.slice(i, i + CHUNK),
              ]);
            }
          }
        }),
      );
    })();

    const check = new OrderCheck(statuses);
    onTestFailed(async () => {
      const states = await database.db.query(
        'select state, count(*)::int as n from rowhook.deliveries group by 1',
      );
      console.error(
        `replay with ROWHOOK_CHAOS_SEED=${SEED}; deliveries ${JSON.stringify(states)}; received ${receiver.received.length}; ` +
          `violations ${check.violations.slice(0, 5).join('; ')}\n${runtime.output().slice(-3_000)}`,
      );
    });

    // The kill lands mid-run: after some deliveries, with most still to go.
    const total = KEYS * (UPDATES + 1);
    const killAfter = randomInt(seededRandom(SEED), Math.round(total * 0.15), Math.round(total * 0.35));
    await receiver.waitForCount(killAfter, 60_000);
    await killHard(runtime);
    const atKill = receiver.received.length;
    runtime = await startRuntime();
    await writes;

    await expect.poll(() => check.advance(receiver.received), { timeout: 90_000, interval: 250 }).toBe(0);
    expect(check.violations).toEqual([]);
    // Settled too, and nothing in flight that a later attempt could still send out of turn.
    await expect
      .poll(
        async () =>
          (
            await database.db.query<{ n: number }>(
              `select count(*)::int as n from rowhook.deliveries where state <> 'delivered'`,
            )
          )[0]?.n,
        { timeout: 30_000, interval: 200 },
      )
      .toBe(0);
    await killHard(runtime);
    expect(check.advance(receiver.received)).toBe(0);
    expect(check.violations).toEqual([]);

    const [versions] = await database.db.query<{ n: number }>(
      `select count(*)::int as n from ordered_rows where version = ${UPDATES}`,
    );
    expect(versions?.n).toBe(KEYS);
    const verifier = new Webhook(endpoint.secret);
    for (const webhook of receiver.received)
      verifier.verify(webhook.body, webhook.headers as Record<string, string>);
    // The run did what it meant to: failures were answered, and the kill came mid-run.
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(total * 0.02);
    expect(atKill).toBeLessThan(total * 0.5);
    expect(receiver.received.length).toBeGreaterThan(atKill + total / 2);
  }, 180_000);
});
