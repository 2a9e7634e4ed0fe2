import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

// A tiny retention so the runtime's own background purge (every 100 ms) acts within the test.
const harness = useTestRuntime({ ROWHOOK_RETENTION: '1s', ROWHOOK_PURGE_INTERVAL: '100ms' });

const poll = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`expected ${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('ROWHOOK_RETENTION in the local runtime', () => {
  it('purges delivered events, deliveries and attempts in the background; keeps a dead letter and its event', async () => {
    const db = harness.database.db;
    const tenant = await harness.api.createTenant('retained');
    const ok = await new TestReceiver().start();
    const gone = await new TestReceiver().start();
    gone.respondWithStatuses(410); // Gone: dead at once
    await harness.api.createEndpoint(tenant.apiKey, { url: ok.url, eventTypes: ['kept_ok.*'] });
    await harness.api.createEndpoint(tenant.apiKey, { url: gone.url, eventTypes: ['kept_dead.*'] });
    await db.query('create table kept_ok (id int primary key, tenant_id text not null)');
    await db.query('create table kept_dead (id int primary key, tenant_id text not null)');
    await db.query(`select rowhook.track_table('kept_ok', 'tenant_id')`);
    await db.query(`select rowhook.track_table('kept_dead', 'tenant_id')`);

    // The dead letter first: everything delivered later is younger than it.
    await db.query(`insert into kept_dead values (1, 'retained')`);
    const [dead] = await poll(
      () =>
        db.query<{ id: string; event_id: string }>(
          `select id, event_id from rowhook.deliveries where state = 'dead'`,
        ),
      (rows) => rows.length === 1,
      'the dead letter',
    );
    await db.query(`insert into kept_ok select g, 'retained' from generate_series(1, 20) g`);
    await ok.waitForCount(20);

    // The positive signal that purge passes ran after the dead letter was past the retention:
    // the younger delivered events, their deliveries and attempts are all gone.
    const counts = () =>
      db.query<{ events: number; deliveries: number; attempts: number }>(
        `select (select count(*)::int from rowhook.outbox where source_table = 'public.kept_ok') as events,
                (select count(*)::int from rowhook.deliveries d join rowhook.endpoints e on e.id = d.endpoint_id
                  where e.url = $1) as deliveries,
                (select count(*)::int from rowhook.attempts a join rowhook.endpoints e on e.id = a.endpoint_id
                  where e.url = $1) as attempts`,
        [ok.url],
      );
    const [before] = await counts();
    expect(before?.events).toBe(20);
    await poll(counts, ([c]) => c?.events === 0 && c.deliveries === 0 && c.attempts === 0, 'the purge');

    const [kept] = await db.query<{ state: string; attempts: number; event: number }>(
      `select d.state, (select count(*)::int from rowhook.attempts a where a.delivery_id = d.id) as attempts,
              (select count(*)::int from rowhook.outbox o where o.id = d.event_id) as event
         from rowhook.deliveries d where d.id = $1`,
      [dead?.id],
    );
    expect(kept).toEqual({ state: 'dead', attempts: 1, event: 1 });
    const deadLetters = await harness.api.call('GET', '/v1/dead-letters', 'test-admin-token-0123456789');
    expect(deadLetters.json.items).toHaveLength(1);
    await ok.stop();
    await gone.stop();
  });

  it('refuses a retention it cannot use, naming the variable', async () => {
    const { loadConfig } = await import('../../../functions/local/loadConfig.ts');
    expect(loadConfig({ ROWHOOK_RETENTION: '7d' }).retentionMs).toBe(7 * 86_400_000);
    expect(loadConfig({}).retentionMs).toBe(30 * 86_400_000);
    expect(() => loadConfig({ ROWHOOK_RETENTION: 'forever' })).toThrow(
      'ROWHOOK_RETENTION="forever" must be a duration like 500ms, 15s, 5m or 24h',
    );
    expect(() => loadConfig({ ROWHOOK_RETENTION: '10ms' })).toThrow(
      /ROWHOOK_RETENTION="10ms" must be between 1000 ms/,
    );
  });
});
