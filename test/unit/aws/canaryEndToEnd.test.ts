import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/dynamo/createDocumentClient.ts';
import { createCanaryReceiverHandler } from '../../../functions/handlers/createCanaryReceiverHandler.ts';
import { DataApiCanaryDatabase } from '../../../functions/smoke/adapters/DataApiCanaryDatabase.ts';
import { DynamoCanaryRecords } from '../../../functions/smoke/adapters/DynamoCanaryRecords.ts';
import { HttpCanaryApi } from '../../../functions/smoke/adapters/HttpCanaryApi.ts';
import { SMOKE_EXIT } from '../../../functions/smoke/constants.ts';
import { exitCodeOf } from '../../../functions/smoke/decideSmoke.ts';
import { runSmoke } from '../../../functions/smoke/runSmoke.ts';

const rdsData = mockClient(RDSDataClient);
const documentClient = createDocumentClient({ region: 'eu-west-1' });
const dynamo = mockClient(documentClient);
const TARGET = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:rowhook-test',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db',
  database: 'rowhook',
};
const API = 'https://api.example.test';
const RECEIVER = 'https://rx.lambda-url.eu-west-1.on.aws/';

type Item = Record<string, unknown>;

/**
 * The smoke run with its real adapters: the Data API and DynamoDB mocked (DynamoDB as a small
 * stateful table), the API as a fetch fake, and a committed row handed to the real receiver handler
 * as each delivery path would send it, signed with the standardwebhooks library.
 */
function world(options: { tamper?: 'dedicated'; failInsert?: boolean } = {}) {
  const table = new Map<string, Item>();
  const key = (pk: unknown, sk: unknown) => `${String(pk)}|${String(sk)}`;
  dynamo.on(PutCommand).callsFake(async (input: { Item: Item }) => {
    table.set(key(input.Item.pk, input.Item.sk), input.Item);
    return {};
  });
  dynamo
    .on(GetCommand)
    .callsFake(async (input: { Key: Item }) => ({ Item: table.get(key(input.Key.pk, input.Key.sk)) }));
  dynamo.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, string> }) => {
    const pk = input.ExpressionAttributeValues[':pk'];
    const prefix = input.ExpressionAttributeValues[':prefix'] ?? '';
    return { Items: [...table.values()].filter((i) => i.pk === pk && String(i.sk).startsWith(prefix)) };
  });
  dynamo.on(DeleteCommand).callsFake(async (input: { Key: Item }) => {
    table.delete(key(input.Key.pk, input.Key.sk));
    return {};
  });

  // Real time: standardwebhooks refuses timestamps more than 5 minutes from the receiver's clock.
  const start = Date.now();
  let now = start;
  const records = new DynamoCanaryRecords(documentClient, 'rowhook-test-canary', () => now);
  const receiver = createCanaryReceiverHandler({ records, now: () => now + 250 });
  const endpoints = new Map<string, { url: string; secret: string }>();
  const requests: Array<{ method: string; path: string; auth: string | null; body: unknown }> = [];
  const fetchFake = async (url: string, init: RequestInit) => {
    const path = url.slice(API.length);
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    const auth = new Headers(init.headers).get('authorization');
    requests.push({ method: String(init.method), path, auth, body });
    if (path === '/v1/tenants')
      return Response.json({ id: body.id, apiKey: 'rwk_tenantkey' }, { status: 201 });
    if (path === '/v1/endpoints') {
      const id = `ep_${endpoints.size + 1}`;
      const secret = `whsec_${Buffer.from(`secret-of-${id}-0123456789`).toString('base64')}`;
      endpoints.set(id, { url: body.url, secret });
      return Response.json({ id, secret }, { status: 201 });
    }
    if (init.method === 'GET') return Response.json({ dedicated: { status: 'active', reason: null } });
    if (init.method === 'DELETE') {
      endpoints.delete(path.split('/').at(-1) as string);
      return new Response(null, { status: 204 });
    }
    return new Response('not found', { status: 404 });
  };

  const statements: string[] = [];
  rdsData.on(ExecuteStatementCommand).callsFake(async (input: { sql: string }) => {
    statements.push(input.sql);
    if (input.sql.startsWith('insert')) {
      if (options.failInsert)
        throw Object.assign(new Error('resuming'), { name: 'DatabaseResumingException' });
      for (const [id, endpoint] of endpoints) {
        const payload = JSON.stringify({ type: 'canary.created', data: { id } });
        const signer = new Webhook(endpoint.secret);
        const msgId = `msg_${id}`;
        const at = new Date(now);
        const signature = signer.sign(
          msgId,
          at,
          options.tamper && endpoint.url.endsWith(options.tamper) ? `${payload} ` : payload,
        );
        const url = new URL(endpoint.url);
        await receiver({
          rawPath: url.pathname,
          body: payload,
          isBase64Encoded: false,
          headers: {
            'Webhook-Id': msgId,
            'Webhook-Timestamp': String(Math.floor(at.getTime() / 1000)),
            'Webhook-Signature': signature,
          },
          requestContext: { http: { method: 'POST' } },
        } as unknown as APIGatewayProxyEventV2);
      }
    }
    return {};
  });

  const dependencies = {
    api: new HttpCanaryApi(API, 'admin-token-0123456789', fetchFake),
    database: new DataApiCanaryDatabase(new RDSDataClient({ region: 'eu-west-1' }), TARGET),
    records,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
  };
  return { dependencies, table, endpoints, requests, statements, start };
}

const options = {
  stack: 'Rowhook-test',
  runId: 'r1',
  receiverUrl: RECEIVER,
  pollIntervalMs: 1_000,
  deliveryTimeoutMs: 5_000,
};

beforeEach(() => {
  rdsData.reset();
  dynamo.reset();
});

describe('smoke run through the real adapters', () => {
  it('verifies pooled and dedicated when the receiver accepts both signatures, and leaves nothing behind', async () => {
    const w = world();
    const report = await runSmoke(w.dependencies, options);
    expect(report.results.map((r) => [r.path, r.delivered, r.signatureValid, r.latencyMs])).toEqual([
      ['pooled', true, true, 250],
      ['dedicated', true, true, 250],
    ]);
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.verified);
    expect(w.endpoints.size).toBe(0);
    expect([...w.table.keys()]).toEqual(['tenant|tenant']);
    expect(w.statements.at(-1)).toBe('delete from rowhook_canary.pings where run_id = :run');
  });

  it('sends the API what it expects: admin token for the tenant, the tenant key for endpoints', async () => {
    const w = world();
    await runSmoke(w.dependencies, options);
    expect(w.requests.slice(0, 3)).toEqual([
      {
        method: 'POST',
        path: '/v1/tenants',
        auth: 'Bearer admin-token-0123456789',
        body: { id: 'canary-r1', name: 'Rowhook canary', tier: 'pooled' },
      },
      {
        method: 'POST',
        path: '/v1/endpoints',
        auth: 'Bearer rwk_tenantkey',
        body: { url: `${RECEIVER}r1/pooled`, transport: 'pooled', description: 'Rowhook canary r1 (pooled)' },
      },
      {
        method: 'POST',
        path: '/v1/endpoints',
        auth: 'Bearer rwk_tenantkey',
        body: {
          url: `${RECEIVER}r1/dedicated`,
          transport: 'api-destination',
          description: 'Rowhook canary r1 (dedicated)',
        },
      },
    ]);
    expect(w.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/v1/endpoints/ep_1',
      '/v1/endpoints/ep_2',
    ]);
  });

  it('sends the Data API the tracked table setup and a parameterised insert', async () => {
    const w = world();
    await runSmoke(w.dependencies, options);
    const calls = rdsData.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(
      calls.every(
        (c) =>
          c.resourceArn === TARGET.resourceArn &&
          c.secretArn === TARGET.secretArn &&
          c.database === 'rowhook',
      ),
    ).toBe(true);
    expect(calls.map((c) => c.sql)).toContain(
      "select rowhook.track_table('rowhook_canary.pings', 'tenant_id', 'canary')",
    );
    expect(calls.find((c) => c.sql?.startsWith('insert'))?.parameters).toEqual([
      { name: 'tenant', value: { stringValue: 'canary-r1' } },
      { name: 'run', value: { stringValue: 'r1' } },
    ]);
  });

  it('stores the run secrets with a TTL for the receiver, read consistently', async () => {
    const w = world();
    await runSmoke(w.dependencies, options);
    const run = dynamo
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.Item?.sk === 'run');
    expect(run?.Item).toMatchObject({ pk: 'run#r1', expiresAt: Math.floor(w.start / 1000) + 3_600 });
    expect(Object.keys(run?.Item?.secrets ?? {})).toEqual(['pooled', 'dedicated']);
    expect(w.table.get('tenant|tenant')).toEqual({
      pk: 'tenant',
      sk: 'tenant',
      tenantId: 'canary-r1',
      apiKey: 'rwk_tenantkey',
    });
    expect(dynamo.commandCalls(GetCommand)[1]?.args[0].input).toMatchObject({
      TableName: 'rowhook-test-canary',
      Key: { pk: 'run#r1', sk: 'run' },
      ConsistentRead: true,
    });
  });

  it('fails the path whose signature the receiver refused', async () => {
    const w = world({ tamper: 'dedicated' });
    const report = await runSmoke(w.dependencies, options);
    expect(report.results.find((r) => r.path === 'pooled')?.verified).toBe(true);
    expect(report.results.find((r) => r.path === 'dedicated')).toMatchObject({
      delivered: true,
      signatureValid: false,
      verified: false,
    });
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });

  it('cleans up endpoints, rows and records when the insert fails', async () => {
    const w = world({ failInsert: true });
    const report = await runSmoke(w.dependencies, options);
    expect(report.error).toContain('write the canary row');
    expect(w.endpoints.size).toBe(0);
    expect([...w.table.keys()]).toEqual(['tenant|tenant']);
    expect(w.statements.at(-1)).toBe('delete from rowhook_canary.pings where run_id = :run');
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });
});
