import { CommitTransactionCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryIdFor, parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { RdsDataRecoveries } from '../../../functions/adapters/aws/recovery/RdsDataRecoveries.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-deliveries';
const sqs = mockClient(SQSClient);

let database: TestDatabase;
let dataApi: DataApiFake;
let dynamo: Dynalite;
let store: DynamoSubscriptionStore;
let recoveries: RdsDataRecoveries;
let endpointCount = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
  dynamo = await startDynalite('rowhook-aws-recover');
  store = new DynamoSubscriptionStore({ client: dynamo.client, tableName: dynamo.tableName });
  for (const id of ['acme', 'globex']) {
    await store.createTenant({ id, name: id, tier: 'pooled' }, Buffer.from(id), `rk_${id}`);
  }
  recoveries = new RdsDataRecoveries({
    rdsData: dataApi.client,
    target: RDS_DATA_TARGET,
    sqs: new SQSClient({ region: 'eu-west-1' }),
    deliveryQueueUrl: QUEUE,
    subscriptions: store,
    matcher: new EndpointMatcher(),
    sqsBackoffMs: 0,
  });
});
afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
  await dynamo?.close();
});
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

async function endpoint(patch: Partial<Endpoint> = {}): Promise<Endpoint> {
  return store.createEndpoint({
    id: `ep_rec${++endpointCount}`,
    tenantId: 'acme',
    url: 'https://receiver.example/hooks',
    description: '',
    eventTypes: ['orders.*'],
    filter: null,
    enabled: true,
    ...patch,
  });
}

/** An outbox row as the relay leaves it: published (unless told otherwise), body with bytes a JSON round trip would change. */
async function event(
  options: { tenant?: string; type?: string; n?: number; published?: boolean; occurredAt?: string } = {},
) {
  const type = options.type ?? 'orders.created';
  const body = `{"type":"${type}","data":{"n":${options.n ?? 1},"amount":1.50}}`;
  const [row] = await database.db.query<{ id: string }>(
    `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
     values (rowhook.uuidv7(), $1, $2, $3, coalesce($4::timestamptz, now()), case when $5 then now() end)
     returning id::text`,
    [options.tenant ?? 'acme', type, body, options.occurredAt ?? null, options.published !== false],
  );
  if (!row) throw new Error('no outbox row');
  return { id: row.id, body };
}

const sentSingles = () =>
  sqs.commandCalls(SendMessageCommand).map((call) => ({
    input: call.args[0].input,
    message: parseDeliveryMessage(call.args[0].input.MessageBody ?? ''),
  }));
const sentBatches = () =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .map((call) =>
      (call.args[0].input.Entries ?? []).map((entry) => parseDeliveryMessage(entry.MessageBody ?? '')),
    );
const window = () => ({ since: new Date(Date.now() - 3_600_000), until: new Date(Date.now() + 1_000) });

describe('RdsDataRecoveries: resend', () => {
  it('sends the stored bytes to the delivery queue as attempt 1 under the event id, as a redrive does', async () => {
    const ep = await endpoint();
    const { id, body } = await event();
    const outcome = await recoveries.resend({ tenantId: 'acme' }, ep.id, id);
    expect(outcome).toEqual({
      kind: 'queued',
      deliveryId: deliveryIdFor(id, ep.id),
      eventId: id,
      endpointId: ep.id,
    });
    const [sent, ...more] = sentSingles();
    expect(more).toEqual([]);
    expect(sent?.input.QueueUrl).toBe(QUEUE);
    expect(sent?.message).toEqual({
      eventId: id,
      endpointId: ep.id,
      tenantId: 'acme',
      eventType: 'orders.created',
      body,
      transport: 'pooled',
      attempt: 1,
    });
    expect(sent?.input.MessageAttributes?.RESENT).toEqual({ DataType: 'String', StringValue: 'true' });
    // The admin token (no tenant) may resend too.
    expect((await recoveries.resend({}, ep.id, id)).kind).toBe('queued');
  });

  it('repeats the webhook-sequence the relay gave the event for that endpoint, on resend and recover', async () => {
    const ep = await endpoint();
    const { id } = await event();
    await database.db.query(
      `insert into rowhook.delivery_sequences (event_id, endpoint_id, tenant_id, sequence) values ($1, $2, 'acme', 41)`,
      [id, ep.id],
    );
    await recoveries.resend({ tenantId: 'acme' }, ep.id, id);
    expect(sentSingles()[0]?.message.sequence).toBe(41);
    const job = await recoveries.start({ tenantId: 'acme' }, ep.id, window());
    expect(job.kind).toBe('started');
    await recoveries.runBatch(10);
    expect(
      sentBatches()
        .flat()
        .map((m) => m.sequence),
    ).toEqual([41]);
  });

  it("keeps tenants apart: another tenant's endpoint is unknown, another tenant's event too", async () => {
    const ep = await endpoint();
    const own = await event();
    const foreign = await event({ tenant: 'globex' });
    expect(await recoveries.resend({ tenantId: 'globex' }, ep.id, own.id)).toEqual({
      kind: 'unknown_endpoint',
    });
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, foreign.id)).toEqual({
      kind: 'unknown_event',
    });
    expect(await recoveries.resend({}, ep.id, foreign.id)).toEqual({ kind: 'unknown_event' });
    expect(sentSingles()).toEqual([]);
  });

  it('refuses what the relay did not send there: other types, filtered out, before the endpoint, unpublished, disabled', async () => {
    const early = await event();
    const ep = await endpoint({ filter: { data: { n: [1] } } });
    const otherType = await event({ type: 'users.created' });
    const filtered = await event({ n: 2 });
    const unpublished = await event({ published: false });
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, otherType.id)).toEqual({
      kind: 'not_matched',
    });
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, filtered.id)).toEqual({
      kind: 'not_matched',
    });
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, early.id)).toEqual({ kind: 'not_matched' });
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, unpublished.id)).toEqual({
      kind: 'in_flight',
    });
    const off = await endpoint({ enabled: false });
    expect(await recoveries.resend({ tenantId: 'acme' }, off.id, (await event()).id)).toEqual({
      kind: 'endpoint_disabled',
    });
    expect(sentSingles()).toEqual([]);
  });

  it('says an event older than the oldest kept is beyond retention, and a newer unknown one unknown', async () => {
    const ep = await endpoint();
    const [oldest] = await database.db.query<{ occurred_at: Date }>(
      'select occurred_at from rowhook.outbox order by id limit 1',
    );
    const old = '00000000-0001-7000-8000-000000000000'; // a UUIDv7 from 1970
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, old)).toEqual({
      kind: 'beyond_retention',
      retainedFrom: oldest?.occurred_at,
    });
    const [fresh] = await database.db.query<{ id: string }>('select rowhook.uuidv7()::text as id');
    expect(await recoveries.resend({ tenantId: 'acme' }, ep.id, fresh?.id ?? '')).toEqual({
      kind: 'unknown_event',
    });
  });
});

describe('RdsDataRecoveries: recover jobs', () => {
  async function drain(limit: number) {
    const batches = [];
    for (let i = 0; i < 50; i++) {
      const batch = await recoveries.runBatch(limit);
      if (!batch) return batches;
      batches.push(batch);
    }
    throw new Error('the job never finished');
  }

  it('sends every matched event in the window in outbox order, 10 per SendMessageBatch, then is done with total = sent', async () => {
    const ep = await endpoint({ filter: { data: { n: [{ numeric: ['<', 100] }] } } });
    await event({ occurredAt: new Date(Date.now() - 7_200_000).toISOString() }); // before the window
    const expected: string[] = [];
    for (let n = 0; n < 23; n++) {
      expected.push((await event({ n })).id);
      if (n % 5 === 0) await event({ type: 'users.created', n }); // not its type
      if (n % 7 === 0) await event({ n: 500 + n }); // its type, turned away by the filter
      if (n % 4 === 0) await event({ tenant: 'globex', n }); // another tenant
    }
    const started = await recoveries.start({ tenantId: 'acme' }, ep.id, window());
    if (started.kind !== 'started') throw new Error(started.kind);
    expect(started.job).toMatchObject({ status: 'running', sent: 0, total: 23 + 4, endpointId: ep.id });
    const late = await event({ n: 1 }); // after the start: not part of the job
    const batches = await drain(8);
    // Each batch reads 8 candidates and sends those the filter keeps; only the last one finishes.
    expect(batches.reduce((sum, b) => sum + b.queued, 0)).toBe(23);
    expect(batches.map((b) => b.finished)).toEqual([...batches.slice(1).map(() => false), true]);
    expect(batches.length).toBe(Math.ceil(27 / 8));
    const sent = sentBatches();
    expect(sent.every((entries) => entries.length <= 10)).toBe(true);
    const ids = sent.flat().map((m) => m.eventId);
    expect(ids).toEqual(expected);
    expect(ids).not.toContain(late.id);
    expect(
      new Set(sent.flat().map((m) => `${m.endpointId}/${m.tenantId}/${m.attempt}/${m.transport}`)),
    ).toEqual(new Set([`${ep.id}/acme/1/pooled`]));
    const job = await recoveries.get({ tenantId: 'acme' }, started.job.id);
    expect(job).toMatchObject({ status: 'done', total: 23, sent: 23 });
    expect(job?.finishedAt).toBeInstanceOf(Date);
    expect(await recoveries.get({ tenantId: 'globex' }, started.job.id)).toBeUndefined();
    expect((await recoveries.get({}, started.job.id))?.id).toBe(started.job.id);
  });

  it('retries entries SQS failed with a server fault, and keeps the position when one is refused', async () => {
    const ep = await endpoint({ eventTypes: ['invoices.paid'] });
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) ids.push((await event({ type: 'invoices.paid', n })).id);
    const started = await recoveries.start({}, ep.id, window());
    if (started.kind !== 'started') throw new Error(started.kind);
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => {
      calls++;
      // First call: entry 3 failed with a server fault; it goes again alone.
      const failedIds = calls === 1 ? ['3'] : [];
      return {
        Successful: input.Entries.filter((e) => !failedIds.includes(e.Id)).map((e) => ({
          Id: e.Id,
          MessageId: 'm',
          MD5OfMessageBody: 'x',
        })),
        Failed: failedIds.map((Id) => ({
          Id,
          SenderFault: false,
          Code: 'InternalError',
        })),
      };
    });
    expect(await recoveries.runBatch(12)).toMatchObject({ queued: 12, finished: true });
    const [first, retried, second] = sentBatches();
    expect(first?.map((m) => m.eventId)).toEqual(ids.slice(0, 10));
    expect(retried?.map((m) => m.eventId)).toEqual([ids[3]]);
    expect(second?.map((m) => m.eventId)).toEqual(ids.slice(10));
    expect(await recoveries.get({}, started.job.id)).toMatchObject({ status: 'done', sent: 12 });

    // Server faults left after every round: the batch throws, nothing is recorded, the next run sends it all again.
    const again = await recoveries.start({}, ep.id, window());
    if (again.kind !== 'started') throw new Error(again.kind);
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }],
    });
    await expect(recoveries.runBatch(12)).rejects.toMatchObject({ retryable: true });
    expect(await recoveries.get({}, again.job.id)).toMatchObject({ status: 'running', sent: 0 });
    expect(dataApi.openTransactions()).toBe(0);
    const before = sentBatches().length;
    sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    expect(await recoveries.runBatch(12)).toMatchObject({ jobId: again.job.id, queued: 12, finished: true });
    expect(
      sentBatches()
        .slice(before)
        .flat()
        .map((m) => m.eventId),
    ).toEqual(ids);

    // An entry SQS refuses as it is (a sender fault): retrying cannot help, so the job fails saying why.
    const refused = await recoveries.start({}, ep.id, window());
    if (refused.kind !== 'started') throw new Error(refused.kind);
    sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.slice(1).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: [
        { Id: input.Entries[0]?.Id, SenderFault: true, Code: 'InvalidParameterValue', Message: 'too big' },
      ],
    }));
    expect(await recoveries.runBatch(12)).toMatchObject({ jobId: refused.job.id, finished: true });
    expect(await recoveries.get({}, refused.job.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(`InvalidParameterValue too big`),
    });
    expect(await recoveries.runBatch(12)).toBeNull();
  });

  it('sends a batch again under the same webhook-ids when its position was not committed (a crash after sending)', async () => {
    const ep = await endpoint({ eventTypes: ['parcels.sent'] });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await event({ type: 'parcels.sent', n })).id);
    let failCommit = true;
    // The Data API as seen by a run that dies between its sends and its commit.
    const crashing = {
      send: (command: unknown) => {
        if (command instanceof CommitTransactionCommand && failCommit) {
          failCommit = false;
          return Promise.reject(Object.assign(new Error('connection reset'), { name: 'TimeoutError' }));
        }
        return dataApi.client.send(command as never);
      },
    } as unknown as RDSDataClient;
    const crashy = new RdsDataRecoveries({
      rdsData: crashing,
      target: RDS_DATA_TARGET,
      sqs: new SQSClient({ region: 'eu-west-1' }),
      deliveryQueueUrl: QUEUE,
      subscriptions: store,
      matcher: new EndpointMatcher(),
    });
    const started = await crashy.start({}, ep.id, window());
    if (started.kind !== 'started') throw new Error(started.kind);
    await expect(crashy.runBatch(10)).rejects.toMatchObject({ retryable: true });
    expect(dataApi.openTransactions()).toBe(0);
    expect(await crashy.get({}, started.job.id)).toMatchObject({ status: 'running', sent: 0 });
    expect(await crashy.runBatch(10)).toMatchObject({ jobId: started.job.id, queued: 3, finished: true });
    const [first, second] = sentBatches().map((entries) => entries.map((m) => m.eventId));
    expect(first).toEqual(ids);
    expect(second).toEqual(ids);
    expect(await crashy.get({}, started.job.id)).toMatchObject({ status: 'done', sent: 3, total: 3 });
  });

  it('splits a batch by bytes, fails a job whose endpoint is gone, and is done at once for an empty window', async () => {
    const ep = await endpoint({ eventTypes: ['big.thing'] });
    for (let n = 0; n < 3; n++) {
      await database.db.query(
        `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
         values (rowhook.uuidv7(), 'acme', 'big.thing', $1, now(), now())`,
        [`{"pad":"${'x'.repeat(400_000)}"}`],
      );
    }
    const started = await recoveries.start({ tenantId: 'acme' }, ep.id, window());
    if (started.kind !== 'started') throw new Error(started.kind);
    expect(await recoveries.runBatch(10)).toMatchObject({ queued: 3, finished: true });
    // 3 × ~400 KB cannot go in one 1 MiB request: two.
    expect(sentBatches().map((entries) => entries.length)).toEqual([2, 1]);

    const gone = await endpoint({ eventTypes: ['big.thing'] });
    await event({ type: 'big.thing' });
    const doomed = await recoveries.start({ tenantId: 'acme' }, gone.id, window());
    if (doomed.kind !== 'started') throw new Error(doomed.kind);
    await store.deleteEndpoint('acme', gone.id);
    expect(await recoveries.runBatch(10)).toMatchObject({ jobId: doomed.job.id, queued: 0, finished: true });
    expect(await recoveries.get({}, doomed.job.id)).toMatchObject({
      status: 'failed',
      error: 'the endpoint was deleted before every event was re-sent',
    });

    const empty = await recoveries.start({ tenantId: 'acme' }, ep.id, {
      since: new Date(Date.now() - 2_000_000_000),
      until: new Date(Date.now() - 1_900_000_000),
    });
    expect(empty).toMatchObject({ kind: 'started', job: { status: 'done', total: 0, sent: 0 } });
    expect(await recoveries.runBatch(10)).toBeNull();
    expect(await recoveries.start({ tenantId: 'globex' }, ep.id, window())).toEqual({
      kind: 'unknown_endpoint',
    });
  });
});
