import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { RdsDataRecoveries } from '../../../functions/adapters/aws/recovery/RdsDataRecoveries.ts';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import { createRecoverHandler } from '../../../functions/handlers/createRecoverHandler.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

/** The AWS API Lambda with resend and recover wired to Aurora (Data API), DynamoDB and SQS. */
const ADMIN_TOKEN = 'admin-token-0123456789';
const KEYS = { acme: 'rk_acme-key-0123456789', globex: 'rk_globex-key-0123456789' } as const;
const sqs = mockClient(SQSClient);

let database: TestDatabase;
let dataApi: DataApiFake;
let dynamo: Dynalite;
let recoveries: RdsDataRecoveries;
let handler: ReturnType<typeof createApiHandler>;

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
  dynamo = await startDynalite('rowhook-aws-api-recover');
  const store = new DynamoSubscriptionStore({ client: dynamo.client, tableName: dynamo.tableName });
  for (const [id, key] of Object.entries(KEYS)) {
    await store.createTenant({ id, name: id, tier: 'pooled' }, hashSecret(key), key.slice(0, 8));
  }
  await store.createEndpoint({
    id: 'ep_api1',
    tenantId: 'acme',
    url: 'https://receiver.example/hooks',
    description: '',
    eventTypes: null,
    filter: null,
    enabled: true,
  });
  recoveries = new RdsDataRecoveries({
    rdsData: dataApi.client,
    target: RDS_DATA_TARGET,
    sqs: new SQSClient({ region: 'eu-west-1' }),
    deliveryQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-deliveries',
    subscriptions: store,
    matcher: new EndpointMatcher(),
  });
  handler = createApiHandler({
    subscriptions: store,
    recoveries: { store: recoveries, onStarted: () => {} },
    adminTokenHash: hashSecret(ADMIN_TOKEN),
    addressPolicy: new AddressPolicy(),
    resolveHost: async () => [],
    requireHttps: true,
    secretOverlapMs: 0,
    onOutboxWrite: () => {},
    log: () => {},
  } as unknown as ApiDependencies);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});
afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
  await dynamo?.close();
});

type ApiEvent = Parameters<ReturnType<typeof createApiHandler>>[0];

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await handler({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'api.example.com',
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    body: body === undefined ? '' : JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as ApiEvent);
  return { status: response.statusCode, body: JSON.parse(response.body || 'null') };
}

const publicEventId = (id: string) => `evt_${id.replaceAll('-', '')}`;

describe('resend and recover through the AWS API Lambda', () => {
  it('answers 202 for a resend and a recover, runs the job from the recover function, and keeps tenants apart', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const [row] = await database.db.query<{ id: string }>(
        `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
         values (rowhook.uuidv7(), 'acme', 'orders.created', $1, now(), now()) returning id::text`,
        [`{"n":${n}}`],
      );
      ids.push(row?.id ?? '');
    }
    const first = ids[0] ?? '';
    const resend = await call(
      'POST',
      `/v1/endpoints/ep_api1/events/${publicEventId(first)}/resend`,
      KEYS.acme,
    );
    expect(resend.status).toBe(202);
    expect(resend.body).toMatchObject({ eventId: publicEventId(first), endpointId: 'ep_api1' });
    const [single] = sqs.commandCalls(SendMessageCommand);
    expect(parseDeliveryMessage(single?.args[0].input.MessageBody ?? '').eventId).toBe(first);

    // Another tenant's key: the endpoint does not exist for it, for resend, recover and the job alike.
    const foreign = await call(
      'POST',
      `/v1/endpoints/ep_api1/events/${publicEventId(first)}/resend`,
      KEYS.globex,
    );
    expect(foreign.status).toBe(404);
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await call('POST', '/v1/endpoints/ep_api1/recover', KEYS.globex, { since })).status).toBe(404);

    const started = await call('POST', '/v1/endpoints/ep_api1/recover', KEYS.acme, { since });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', total: 3, sent: 0, endpointId: 'ep_api1' });
    expect((await call('GET', `/v1/recoveries/${started.body.id}`, KEYS.globex)).status).toBe(404);

    const metrics = { addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const run = createRecoverHandler({ jobs: recoveries, batchSize: 2, logger, metrics });
    expect(await run({}, { getRemainingTimeInMillis: () => 60_000 })).toEqual({
      batches: 2,
      sent: 3,
      jobsFinished: 1,
    });
    expect(metrics.addMetric).toHaveBeenCalledWith('RecoveryEventsSent', 'Count', 3);
    const sent = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) =>
        (c.args[0].input.Entries ?? []).map((e) => parseDeliveryMessage(e.MessageBody ?? '').eventId),
      );
    expect(sent).toEqual(ids);

    const done = await call('GET', `/v1/recoveries/${started.body.id}`, ADMIN_TOKEN);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', total: 3, sent: 3, finishedAt: expect.any(String) });
  });
});
