import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { isRowNamed, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

// Every event names its writer's transaction ({"transaction":{"id","position","count"}}, last field
// of the body), signed with the rest: a receiver can tell when it holds a whole commit.
const harness = useTestRuntime();

interface Envelope {
  type: string;
  data: { id: number; name?: string };
  previous?: Record<string, unknown>;
  transaction: { id: string; position: number; count: number };
}

describe('the transaction in the signed body', () => {
  it('numbers a multi-statement, multi-row transaction 1..count and a one-row one 1 of 1', async () => {
    const tenant = await harness.api.createTenant('tx-envelope');
    const receiver = await new TestReceiver().start();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
    // Another tenant written to in the same transaction: counted apart (its own 1 of 1).
    const otherTenant = await harness.api.createTenant('tx-envelope-other');
    const otherReceiver = await new TestReceiver().start();
    const otherEndpoint = await harness.api.createEndpoint(otherTenant.apiKey, { url: otherReceiver.url });
    const { db } = harness.database;
    // A plain table (statement-level INSERT/DELETE capture) and a partitioned one (row-level).
    await db.query(
      `create table tx_items (id int primary key, tenant_id text not null, name text);
       create table tx_parts (id int, tenant_id text not null, name text, at date not null) partition by range (at);
       create table tx_parts_2026 partition of tx_parts for values from ('2026-01-01') to ('2027-01-01');
       select rowhook.track_table('tx_items', 'tenant_id');
       select rowhook.track_table('tx_parts', 'tenant_id');`,
    );
    await db.query(`insert into tx_items values (100, $1, 'existing')`, [tenant.id]);

    const client = await harness.database.client();
    await client.query('begin');
    await client.query(`insert into tx_items select g, $1, 'bulk ' || g from generate_series(1, 3) g`, [
      tenant.id,
    ]);
    await client.query(`update tx_items set name = 'renamed' where id = 100`);
    await client.query('savepoint undone');
    await client.query(`insert into tx_items values (50, $1, 'rolled back')`, [tenant.id]);
    await client.query('rollback to savepoint undone');
    await client.query(
      `insert into tx_parts values (7, $1, 'part a', '2026-05-01'), (8, $1, 'part b', '2026-06-01')`,
      [tenant.id],
    );
    await client.query('delete from tx_items where id = 2');
    await client.query(`insert into tx_items values (300, $1, 'other tenant')`, [otherTenant.id]);
    await client.query('commit');
    await client.query(`insert into tx_items values (200, $1, 'single')`, [tenant.id]);
    await db.query(`insert into tx_items values (999, $1, 'marker')`, [tenant.id]);

    // The drain up to the marker covers every delivery of earlier transactions, the other tenant's too.
    const [received] = await webhooksBeforeMarker(db, [receiver], isRowNamed('marker'));
    const atOther = otherReceiver.received;
    const verifier = new Webhook(endpoint.secret);
    // Verified first: the transaction field is covered by the signature like the rest of the body.
    const events = (received ?? []).map((w) => ({
      id: String(w.headers['webhook-id']),
      body: verifier.verify(w.body, w.headers as Record<string, string>) as Envelope,
      raw: w.body,
    }));
    const byTransaction = new Map<string, typeof events>();
    for (const e of events) {
      byTransaction.set(e.body.transaction.id, [...(byTransaction.get(e.body.transaction.id) ?? []), e]);
    }
    // The setup insert, the multi-statement transaction, the single insert: three transactions.
    expect([...byTransaction.values()].map((list) => list.length).sort()).toEqual([1, 1, 7]);
    const multi = [...byTransaction.values()].find((list) => list.length === 7) ?? [];
    multi.sort((a, b) => a.body.transaction.position - b.body.transaction.position);
    expect(multi.map((e) => [e.body.transaction.position, e.body.transaction.count])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => [n, 7]),
    );
    // Positions follow event id order (webhook-id), which on PostgreSQL 18 is the statement order.
    expect(multi.map((e) => e.id)).toEqual([...multi.map((e) => e.id)].sort());
    expect(multi.map((e) => [e.body.type, e.body.data.id])).toEqual([
      ['tx_items.created', 1],
      ['tx_items.created', 2],
      ['tx_items.created', 3],
      ['tx_items.updated', 100],
      ['tx_parts.created', 7],
      ['tx_parts.created', 8],
      ['tx_items.deleted', 2],
    ]);
    const single = events.find((e) => e.body.data.id === 200);
    expect(single?.body.transaction).toEqual({ id: expect.stringMatching(/^\d+$/), position: 1, count: 1 });
    const [other] = atOther.map(
      (w) =>
        new Webhook(otherEndpoint.secret).verify(w.body, w.headers as Record<string, string>) as Envelope,
    );
    expect(atOther).toHaveLength(1);
    expect(other?.transaction).toEqual({ id: multi[0]?.body.transaction.id, position: 1, count: 1 });
    // Only a field added at the end: the earlier envelope is byte-for-byte what it was.
    const updated = multi[3];
    expect(updated?.body.previous).toEqual({ name: 'existing' });
    expect(updated?.raw).toMatch(/^\{"type":"tx_items\.updated","timestamp":"[^"]+","data":\{[^{}]*\},/);
    expect(
      updated?.raw.endsWith(
        `,"previous":{"name": "existing"},"transaction":{"id":"${updated.body.transaction.id}","position":4,"count":7}}`,
      ),
    ).toBe(true);
    await receiver.stop();
    await otherReceiver.stop();
  });
});
