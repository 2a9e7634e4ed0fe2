import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { attemptId, attemptKey } from '../../functions/adapters/aws/dynamo/keys.ts';
import { TTL_ATTRIBUTE } from '../../functions/adapters/aws/dynamo/tableDesign.ts';
import type { AttemptRecord } from '../../functions/ports/DeliveryLog.ts';
import { type Dynalite, startDynalite } from '../support/dynalite.ts';
import { apiKeyHash } from './contractSupport.ts';

// What the port contracts cannot see: the DynamoDB-specific design choices, on dynalite.
let dynamo: Dynalite;
let tables = 0;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

beforeEach(async () => {
  tableName = `rowhook-design-${++tables}`;
  await dynamo.createTable(tableName);
});

const newStore = () => new DynamoSubscriptionStore({ client: dynamo.client, tableName });

async function withTenant(store: DynamoSubscriptionStore, id: string) {
  await store.createTenant({ id, name: id, tier: 'pooled' }, apiKeyHash(`key-${id}`), 'rh');
}

describe('DynamoSubscriptionStore design', () => {
  it('round-trips a filter exactly: key order, nesting, unicode, number spelling', async () => {
    const store = newStore();
    await withTenant(store, 't');
    const filter = {
      z: { ünï: ['✓'], $or: [{ a: [{ numeric: ['>=', 0.1, '<', 1e21] }] }, { b: [{ exists: false }] }] },
      a: [{ prefix: '' }, null, true, -0.5],
      empty: {},
    };
    const created = await store.createEndpoint({
      id: 'ep',
      tenantId: 't',
      url: 'https://example.com/',
      description: '',
      eventTypes: [],
      filter,
      enabled: true,
    });
    const read = await store.getEndpoint('t', 'ep');
    expect(read).toEqual(created);
    expect(JSON.stringify(read?.filter)).toBe(JSON.stringify(filter));
  });

  it('keeps endpoint ids unique across tenants, and refuses an endpoint of an unknown tenant', async () => {
    const store = newStore();
    await withTenant(store, 'a');
    await withTenant(store, 'b');
    const input = {
      url: 'https://x.example/',
      description: '',
      eventTypes: null,
      filter: null,
      enabled: true,
    };
    await store.createEndpoint({ ...input, id: 'ep_1', tenantId: 'a' });
    await expect(store.createEndpoint({ ...input, id: 'ep_1', tenantId: 'b' })).rejects.toMatchObject({
      code: 'endpoint_exists',
    });
    await expect(store.createEndpoint({ ...input, id: 'ep_2', tenantId: 'nobody' })).rejects.toMatchObject({
      code: 'unknown_tenant',
    });
    expect((await store.getEndpointsByIds(['ep_1'])).map((e) => e.tenantId)).toEqual(['a']);
  });

  it('lets an id be reused once its endpoint is deleted, and finds it under its new tenant', async () => {
    const deliverer = newStore(); // a long-lived reader whose cache still says tenant "a"
    const api = newStore();
    await withTenant(api, 'a');
    await withTenant(api, 'b');
    const input = {
      url: 'https://x.example/',
      description: '',
      eventTypes: null,
      filter: null,
      enabled: true,
    };
    await api.createEndpoint({ ...input, id: 'ep_1', tenantId: 'a' });
    expect((await deliverer.getEndpointsByIds(['ep_1'])).map((e) => e.tenantId)).toEqual(['a']);
    expect(await api.deleteEndpoint('a', 'ep_1')).toBe(true);
    await api.createEndpoint({ ...input, id: 'ep_1', tenantId: 'b' });
    expect((await deliverer.getEndpointsByIds(['ep_1'])).map((e) => e.tenantId)).toEqual(['b']);
  });

  it('keeps ids with key separators apart (tenant "a#b" is not tenant "a")', async () => {
    const store = newStore();
    await withTenant(store, 'a');
    await withTenant(store, 'a#b');
    await withTenant(store, 'a%23b');
    expect((await store.listTenants()).map((t) => t.id).sort()).toEqual(['a', 'a#b', 'a%23b']);
    expect(await store.findTenantIdByApiKeyHash(apiKeyHash('key-a#b'))).toBe('a#b');
  });
});

describe('DynamoDeliveryLog design', () => {
  const record = (overrides: Partial<AttemptRecord> = {}): AttemptRecord => ({
    deliveryId: '0194f3a2-0000-7000-8000-000000000001',
    tenantId: 't',
    endpointId: 'ep',
    eventId: 'evt-1',
    attempt: 1,
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
    webhookTimestamp: 1_767_323_045,
    status: 502,
    latencyMs: 12.6,
    errorClass: null,
    errorMessage: null,
    responseSnippet: 'bad gateway',
    ...overrides,
  });

  it('sets expiresAt (epoch seconds) to recording time + retention, for the TTL', async () => {
    const now = Date.UTC(2026, 5, 1);
    const log = new DynamoDeliveryLog({
      client: dynamo.client,
      tableName,
      retentionMs: 7 * 86_400_000,
      now: () => now,
    });
    const attempt = record();
    await log.record([attempt]);
    const { Item } = await dynamo.client.send(
      new GetCommand({
        TableName: tableName,
        Key: attemptKey(attempt.deliveryId, attemptId(attempt.startedAt, 1, attempt.deliveryId)),
      }),
    );
    expect(Item?.[TTL_ATTRIBUTE]).toBe((now + 7 * 86_400_000) / 1000);
    expect(Item?.latencyMs).toBe(13);
  });

  it('stores an attempt recorded twice once (a retried batch adds nothing)', async () => {
    const log = new DynamoDeliveryLog({ client: dynamo.client, tableName, retentionMs: 86_400_000 });
    await log.record([record(), record()]);
    await log.record([record()]);
    expect(await log.listForDelivery(record().deliveryId)).toHaveLength(1);
  });

  it('uses an event type carried by the record, else the lookup, else ""', async () => {
    const lookups: string[][] = [];
    const log = new DynamoDeliveryLog({
      client: dynamo.client,
      tableName,
      retentionMs: 86_400_000,
      eventTypes: {
        async eventTypes(ids) {
          lookups.push([...ids]);
          return new Map([['evt-2', 'from.lookup']]);
        },
      },
    });
    const carried = { ...record({ eventId: 'evt-1', attempt: 1 }), eventType: 'carried.type' };
    await log.record([
      carried,
      record({ eventId: 'evt-2', attempt: 2 }),
      record({ eventId: 'evt-3', attempt: 3 }),
    ]);
    const types = (await log.listForDelivery(record().deliveryId)).map((a) => [a.eventId, a.eventType]);
    expect(types).toEqual([
      ['evt-1', 'carried.type'],
      ['evt-2', 'from.lookup'],
      ['evt-3', ''],
    ]);
    expect(lookups).toEqual([['evt-2', 'evt-3']]);
  });

  it("rejects a cursor it did not issue with 'invalid_cursor'", async () => {
    const log = new DynamoDeliveryLog({ client: dynamo.client, tableName, retentionMs: 86_400_000 });
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z#ep'])).toString('base64url');
    for (const cursor of ['%%%', forged]) {
      await expect(log.listForEndpoint('t', 'ep', { limit: 5, cursor })).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    }
  });
});
