import { describe, expect, it } from 'vitest';
import { hangForever, useReceivers } from '../../support/faultyReceiver.ts';
import { useTestRuntime } from '../../support/startTestRuntime.ts';

// Four workers and an attempt timeout far beyond the test: an endpoint that never answers keeps
// every attempt it gets for the whole test, so only the scheduler can keep workers free for others.
const harness = useTestRuntime({ ROWHOOK_CONCURRENCY: '4', ROWHOOK_DELIVERY_TIMEOUT: '120s' });
const receiver = useReceivers();

async function trackedTable(name: string) {
  await harness.database.db.query(
    `create table ${name} (id int primary key, tenant_id text not null);
     select rowhook.track_table('${name}', 'tenant_id');`,
  );
}

describe('a black-holed endpoint', () => {
  it('holds no more workers than its maxConcurrency, and another tenant is delivered meanwhile', async () => {
    const hole = await receiver();
    hole.respondWith(hangForever);
    const fine = await receiver();
    const noisy = await harness.api.createTenant('noisy');
    const quiet = await harness.api.createTenant('quiet');
    const black = await harness.api.createEndpoint(noisy.apiKey, { url: hole.url, maxConcurrency: 2 });
    expect(black).toMatchObject({ maxConcurrency: 2 });
    await harness.api.createEndpoint(quiet.apiKey, { url: fine.url });
    await trackedTable('orders');

    await harness.database.db.query(`insert into orders select g, 'noisy' from generate_series(1, 40) g`);
    await hole.waitForCount(2);
    await harness.database.db.query(`insert into orders select g, 'quiet' from generate_series(41, 50) g`);

    // With FIFO and no cap, the 40 older hung attempts would hold all four workers for 120 s.
    await fine.waitForCount(10);
    expect(hole.received).toHaveLength(2);
    // Leased is not in flight any more: the worker holds fresh deliveries leased in memory until a
    // slot frees, so the attempts running are the worker's own count.
    expect(harness.runtime.worker.attemptsInFlight(black.id)).toBe(2);
  });
});

describe('maxConcurrency in the API', () => {
  it('is stored, returned, changed and cleared', async () => {
    const tenant = await harness.api.createTenant('settings');
    const fine = await receiver();
    const created = await harness.api.createEndpoint(tenant.apiKey, { url: fine.url });
    expect(created).toMatchObject({ maxConcurrency: null });

    const set = await harness.api.call('PATCH', `/v1/endpoints/${created.id}`, tenant.apiKey, {
      maxConcurrency: 100,
    });
    expect(set).toMatchObject({ status: 200, json: { maxConcurrency: 100 } });
    const read = await harness.api.call('GET', `/v1/endpoints/${created.id}`, tenant.apiKey);
    expect(read.json).toMatchObject({ maxConcurrency: 100 });

    const cleared = await harness.api.call('PATCH', `/v1/endpoints/${created.id}`, tenant.apiKey, {
      maxConcurrency: null,
    });
    expect(cleared).toMatchObject({ status: 200, json: { maxConcurrency: null } });
  });

  it.each([0, 101, 2.5, '5'])('refuses maxConcurrency %j with a 400 that says the range', async (value) => {
    const tenant = await harness.api.createTenant(`bad-${String(value).replace('.', '_')}`);
    const res = await harness.api.call('POST', '/v1/endpoints', tenant.apiKey, {
      url: 'https://example.com/hook',
      maxConcurrency: value,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBeTypeOf('string');
    expect(res.json.error.message).toMatch(/maxConcurrency/);
    expect(res.json.error.message).toMatch(/1 and 100|whole number/);
  });
});
