import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataApi } from '../../../functions/adapters/aws/migrations/DataApi.ts';
import { ensureTenantRole } from '../../../functions/adapters/aws/migrations/ensureTenantRole.ts';
import { RdsDataDeliverySequences } from '../../../functions/adapters/aws/RdsDataDeliverySequences.ts';
import { RdsDataEventFeed } from '../../../functions/adapters/aws/RdsDataEventFeed.ts';
import { RdsDataOutboxSource } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { SecretsManagerSecretStore } from '../../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { PgOutboxSource } from '../../../functions/adapters/pg/PgOutboxSource.ts';
import { PgSubscriptionStore } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { createApp } from '../../../functions/api/createApp.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { numberedPublisher } from '../../../functions/pipeline/numberedPublisher.ts';
import { relayOutbox } from '../../../functions/pipeline/relayOutbox.ts';
import type { DeliveryPublisher, NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { RDS_DATA_TARGET, seedThroughPorts, unique } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { secretsManagerFake } from '../../support/secretsManagerFake.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// GET /v1/endpoints/{id}/events as the AWS API Lambda wires it: numbers the relay committed in
// Aurora before publishing, bodies from the outbox, read as the tenant role over the Data API, signed
// with the endpoint's secrets from Secrets Manager.
const user = `rowhook_app_${randomBytes(4).toString('hex')}`;
const TENANT_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenant';
let database: TestDatabase;
let dataApi: DataApiFake;
let app: ReturnType<typeof createApp>;
let subscriptions: PgSubscriptionStore;
let secrets: SecretsManagerSecretStore;

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url, { roles: { [TENANT_SECRET]: user } });
  await ensureTenantRole(new DataApi(dataApi.client, RDS_DATA_TARGET), {
    username: user,
    password: randomBytes(24).toString('base64url'),
  });
  subscriptions = new PgSubscriptionStore(database.db);
  secrets = new SecretsManagerSecretStore(secretsManagerFake().client, { stage: 'test', cacheTtlMs: 0 });
  app = createApp({
    subscriptions,
    secrets,
    eventFeed: new RdsDataEventFeed(dataApi.client, { ...RDS_DATA_TARGET, tenantSecretArn: TENANT_SECRET }),
    adminTokenHash: hashSecret('admin-token-0123456789'),
    addressPolicy: new AddressPolicy(),
    resolveHost: async () => [],
    requireHttps: true,
    secretOverlapMs: 0,
    onOutboxWrite: () => {},
    log: () => {},
  } as unknown as ApiDependencies);
});

afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
  const admin = await createTestDatabase({ migrate: false });
  await admin.db.query(`drop role if exists "${user}"`);
  await admin.drop();
});

/** A tenant with an API key and one endpoint with a signing secret. */
async function tenantWithEndpoint() {
  const tenantId = unique('t');
  const key = `rk_${randomBytes(16).toString('hex')}`;
  await subscriptions.createTenant({ id: tenantId, name: tenantId, tier: 'pooled' }, hashSecret(key), 'rk_x');
  const endpoint = await seedThroughPorts({
    subscriptions,
    outbox: new PgOutboxSource(database.db),
  }).endpoint(tenantId);
  const secret = generateSecret();
  await secrets.create(endpoint.id, secret);
  return { tenantId, key, endpoint, secret };
}

/** The relay Lambda's step; `sent` gets what PutEvents would have carried, `during` runs before commit. */
function relay(sent: NewDelivery[], during: () => Promise<void> = async () => {}) {
  const bus: DeliveryPublisher = {
    async enqueue(deliveries) {
      sent.push(...deliveries);
      await during();
      return { enqueued: deliveries.length, rejected: [] };
    },
  };
  return relayOutbox(
    {
      outbox: new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET),
      subscriptions,
      queue: numberedPublisher(new RdsDataDeliverySequences(dataApi.client, RDS_DATA_TARGET), bus),
      matcher: new EndpointMatcher(),
    },
    { batchSize: 100, maxEventBytes: 256 * 1024 },
  );
}

const append = (tenantId: string, n: number) =>
  new PgOutboxSource(database.db).append({
    tenantId,
    type: 'orders.insert',
    body: `{"n":${n}}`,
    targetEndpointId: null,
  });

const feed = async (key: string, endpointId: string, query = 'after=0') =>
  app.request(`/v1/endpoints/${endpointId}/events?${query}`, { headers: { authorization: `Bearer ${key}` } });

interface FeedItem {
  sequence: number;
  eventId: string;
  body: string;
  headers: Record<string, string>;
}

describe('the event feed on AWS', () => {
  it('serves the numbers the bus entries carried, each body signed with the endpoint secret and verifiable', async () => {
    const a = await tenantWithEndpoint();
    for (let n = 0; n < 3; n++) await append(a.tenantId, n);
    const sent: NewDelivery[] = [];
    await relay(sent);
    const res = await feed(a.key, a.endpoint.id);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: FeedItem[]; nextAfter: number };
    expect(page.items.map((i) => i.sequence)).toEqual([1, 2, 3]);
    expect(page.nextAfter).toBe(3);
    const verifier = new Webhook(a.secret);
    const mine = sent.filter((d) => d.endpointId === a.endpoint.id);
    for (const [index, item] of page.items.entries()) {
      verifier.verify(item.body, item.headers);
      expect(item.headers['webhook-sequence']).toBe(String(item.sequence));
      expect(item.eventId).toBe(item.headers['webhook-id']);
      // What the bus carried for that event: same number, same bytes.
      expect(mine[index]?.sequence).toBe(item.sequence);
      expect(mine[index]?.body).toBe(item.body);
    }
    expect((await (await feed(a.key, a.endpoint.id, 'after=3')).json()).items).toEqual([]);
  });

  it("answers 404 for another tenant's endpoint", async () => {
    const a = await tenantWithEndpoint();
    const b = await tenantWithEndpoint();
    await append(a.tenantId, 1);
    await relay([]);
    const res = await feed(b.key, a.endpoint.id);
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).not.toContain('"n":1');
  });

  it('never serves N+1 before N: a later relay that committed first waits behind the batch still in flight', async () => {
    const a = await tenantWithEndpoint();
    await append(a.tenantId, 1);
    let laterRelayed = false;
    let seenDuring: number[] = [];
    // Relay 1 numbers its batch (sequence 1, committed) and, before its claim commits, another relay
    // claims what came after (sequence 2) and commits it all.
    const inFlight = relay([], async () => {
      await append(a.tenantId, 2);
      const sent: NewDelivery[] = [];
      await relay(sent);
      laterRelayed = sent.some((d) => d.endpointId === a.endpoint.id && d.sequence === 2);
      seenDuring = ((await (await feed(a.key, a.endpoint.id)).json()).items as FeedItem[]).map(
        (i) => i.sequence,
      );
    });
    await inFlight;
    // The race happened: the later event was numbered 2 and published while 1 was still in flight.
    expect(laterRelayed).toBe(true);
    expect(seenDuring).toEqual([]);
    const after = (await (await feed(a.key, a.endpoint.id)).json()).items as FeedItem[];
    expect(after.map((i) => i.sequence)).toEqual([1, 2]);
  });
});
