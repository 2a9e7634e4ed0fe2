import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RdsDataOutboxSource, RELAY_LOCK_KEY } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';
import type { OutboxEvent } from '../../../functions/core/events/OutboxEvent.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// The AWS relay's claim with perKeyOrder on, through the Data API on a real database: each event
// carries the key rowhook.ordering_key gives it (the one definition), and claims run one at a time
// so a later claim cannot send a key's later events to the FIFO queue before an earlier claim's.
let database: TestDatabase;
let dataApi: DataApiFake;

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
  await database.db.query(
    `create table items (id int, region text, tenant_id text not null, v int, primary key (region, id));
     select rowhook.track_table('items', 'tenant_id');`,
  );
});
afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
});
beforeEach(async () => {
  await database.db.query('truncate rowhook.outbox, items');
});

const source = () => new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET).withPerKeyOrder();

async function claimAll(): Promise<OutboxEvent[]> {
  const seen: OutboxEvent[] = [];
  await source().claimUnpublished(100, async (events) => {
    seen.push(...events);
    return { rejected: [] };
  });
  return seen;
}

describe('RdsDataOutboxSource with perKeyOrder', () => {
  it("gives each event rowhook.ordering_key's key, or its own id when it has none", async () => {
    await database.db.query(
      `insert into items values (42, 'eu', 'acme', 1);
       update items set v = 2 where id = 42;
       select rowhook.publish('acme', 'plan.changed', '{"n": 1}', ordering_key => 'account-7');
       select rowhook.publish('acme', 'plan.changed', '{"n": 2}');`,
    );
    const events = await claimAll();
    expect(events).toHaveLength(4);
    const expected = await database.db.query<{ id: string; key: string | null }>(
      'select id::text as id, rowhook.ordering_key(o) as key from rowhook.outbox o order by id',
    );
    expect(events.map((e) => e.orderingKey)).toEqual([
      'public.items:["eu", 42]',
      'public.items:["eu", 42]',
      'account-7',
      `event:${events[3]?.id}`,
    ]);
    // The same text the SQL function gives (the local queue's key), where it gives one.
    expect(events.slice(0, 3).map((e) => e.orderingKey)).toEqual(expected.slice(0, 3).map((r) => r.key));
    expect(expected[3]?.key).toBeNull();
  });

  it('lets a second claim start only after the first has committed', async () => {
    await database.db.query(`insert into items values (1, 'eu', 'acme', 1)`);
    let releaseFirst = () => {};
    let firstDone: Promise<number> = Promise.resolve(0);
    const firstHolding = new Promise<void>((resolve) => {
      const first = source().claimUnpublished(100, async () => {
        resolve();
        await new Promise<void>((r) => {
          releaseFirst = r;
        });
        return { rejected: [] };
      });
      firstDone = first;
    });
    await firstHolding;
    await database.db.query(`update items set v = 2 where id = 1`);
    let secondPublished = false;
    const second = source().claimUnpublished(100, async (events) => {
      secondPublished = true;
      expect(events).toHaveLength(1);
      return { rejected: [] };
    });
    // Positive signal that the second claim is waiting on the relay lock (not merely slow).
    const deadline = Date.now() + 10_000;
    while (true) {
      const rows = await database.db.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_locks
          where locktype = 'advisory' and not granted and objid = ${RELAY_LOCK_KEY % 2 ** 32}`,
      );
      if ((rows[0]?.waiting ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error('the second claim never waited for the relay lock');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(secondPublished).toBe(false);
    releaseFirst();
    expect(await firstDone).toBe(1);
    expect(await second).toBe(1);
    expect(secondPublished).toBe(true);
  });
});
