import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killHard, type SpawnedRuntime, spawnRuntime } from '../support/spawnRuntime.ts';
import { apiClient } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let database: TestDatabase;
const runtimes: SpawnedRuntime[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(runtimes.map(killHard));
  await database?.drop();
});

describe('crash safety', () => {
  it('loses nothing when the runtime is SIGKILLed between commit and delivery', async () => {
    const receiver = await new TestReceiver().start();
    // The first request is held open: the runtime dies with that delivery in flight.
    let holding = true;
    receiver.respondWith((_req, _i, res) => {
      if (!holding) res.writeHead(200).end();
    });

    const first = await spawnRuntime(database.url);
    runtimes.push(first);
    const api = apiClient(first.apiUrl);
    const tenant = await api.createTenant('crash');
    await api.createEndpoint(tenant.apiKey, { url: receiver.url });
    await database.db.query(
      `create table jobs (id int primary key, tenant_id text not null);
       select rowhook.track_table('jobs', 'tenant_id');`,
    );
    await database.db.query(`insert into jobs values (1, 'crash')`);
    await receiver.waitForCount(1);
    await killHard(first);

    // Written while nothing runs: they wait in the outbox.
    await database.db.query(`insert into jobs select g, 'crash' from generate_series(2, 50) g`);
    const rolledBack = await database.client();
    await rolledBack.query('begin');
    await rolledBack.query(`insert into jobs values (999, 'crash')`);
    await rolledBack.query('rollback');

    holding = false;
    const second = await spawnRuntime(database.url);
    runtimes.push(second);
    const rowIds = () => receiver.received.map((w) => JSON.parse(w.body).data.id as number);
    await expect.poll(() => new Set(rowIds()).size, { timeout: 20_000 }).toBe(50);
    // Row 1 was in flight when the runtime died: it is delivered again once its lease runs out.
    await expect
      .poll(() => rowIds().filter((id) => id === 1).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);

    const idsByWebhookId = new Map<string, Set<number>>();
    for (const webhook of receiver.received) {
      const webhookId = String(webhook.headers['webhook-id']);
      const ids = idsByWebhookId.get(webhookId) ?? new Set<number>();
      ids.add(JSON.parse(webhook.body).data.id);
      idsByWebhookId.set(webhookId, ids);
    }
    // Every duplicate carries the same webhook-id as the original: one id per row.
    expect(idsByWebhookId.size).toBe(50);
    for (const ids of idsByWebhookId.values()) expect(ids.size).toBe(1);
    expect(rowIds()).not.toContain(999);
    await killHard(second);
    await receiver.stop();
  });
});
