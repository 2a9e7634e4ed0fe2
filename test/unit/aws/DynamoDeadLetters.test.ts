import { randomBytes, randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeliveryMessage, deliveryIdFor } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import {
  DeadLetterBodyMissingError,
  type DeliveryMessageSender,
  DynamoDeadLetters,
} from '../../../functions/adapters/aws/dynamo/DynamoDeadLetters.ts';
import { InvalidCursorError } from '../../../functions/adapters/aws/dynamo/errors.ts';
import { failedKey, MAX_ERROR_CHARS } from '../../../functions/adapters/aws/dynamo/failedItems.ts';
import type { FailedDelivery } from '../../../functions/adapters/aws/FailedDeliveryRecorder.ts';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { toPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import { createApiHandler } from '../../../functions/handlers/api.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';

let dynamo: Dynalite;
let tables = 0;
let tableName: string;
let sent: DeliveryMessage[];
let sender: DeliveryMessageSender;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(async () => {
  tableName = `rowhook-dead-${++tables}`;
  await dynamo.createTable(tableName);
  sent = [];
  sender = {
    send: vi.fn(async (message: DeliveryMessage) => {
      sent.push(message);
    }),
  };
});

const store = (options: Partial<ConstructorParameters<typeof DynamoDeadLetters>[0]> = {}) =>
  new DynamoDeadLetters({ client: dynamo.client, tableName, sender, ...options });

function failure(overrides: Partial<FailedDelivery> = {}): FailedDelivery {
  const eventId = overrides.eventId ?? randomUUID();
  const endpointId = overrides.endpointId ?? 'ep_1';
  return {
    deliveryId: deliveryIdFor(eventId, endpointId),
    tenantId: 'acme',
    endpointId,
    eventId,
    eventType: 'orders.insert',
    body: '{"n":1.50}',
    failedAt: new Date(),
    attempts: 7,
    lastStatus: 500,
    lastError: 'HTTP 500',
    ...overrides,
  };
}

const rawItem = async (deliveryId: string) =>
  (await dynamo.client.send(new GetCommand({ TableName: tableName, Key: failedKey(deliveryId) }))).Item;

describe('DynamoDeadLetters', () => {
  it('records the same failure once however often it is recorded, the last word winning', async () => {
    const dead = store();
    const f = failure();
    await dead.recordFailed([f, { ...f, attempts: 8 }]);
    await dead.recordFailed([{ ...f, attempts: 9 }]);
    await dead.recordFailed([]);
    const { items } = await dead.list({}, { limit: 10, cursor: null });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: f.deliveryId, attempts: 9, eventId: f.eventId });
  });

  it('keeps no TTL on records and marks their kind', async () => {
    const f = failure();
    await store().recordFailed([f]);
    const item = await rawItem(f.deliveryId);
    expect(item).toMatchObject({ type: 'failed', state: 'dead', GSI1PK: 'FAILED#ALL' });
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('cuts a very long error text', async () => {
    const f = failure({ lastError: 'x'.repeat(10_000) });
    await store().recordFailed([f]);
    expect((await store().get(f.deliveryId))?.lastError).toHaveLength(MAX_ERROR_CHARS);
  });

  it('lists newest first and pages by keyset', async () => {
    const dead = store();
    const base = Date.parse('2026-01-01T00:00:00Z');
    const failures = [0, 1, 2].map((n) => failure({ failedAt: new Date(base + n * 1000) }));
    await dead.recordFailed(failures);
    const first = await dead.list({}, { limit: 2, cursor: null });
    expect(first.items.map((l) => l.id)).toEqual([failures[2]?.deliveryId, failures[1]?.deliveryId]);
    const second = await dead.list({}, { limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({
      items: [expect.objectContaining({ id: failures[0]?.deliveryId })],
      nextCursor: null,
    });
  });

  it('rejects cursors it did not issue with invalid_cursor', async () => {
    const dead = store();
    for (const cursor of ['not-a-cursor', Buffer.from('["FAILED#x"]').toString('base64url'), '']) {
      const error = await dead.list({}, { limit: 5, cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidCursorError);
      expect((error as InvalidCursorError).code).toBe('invalid_cursor');
    }
  });

  it('stores large bodies gzipped and gives them back exactly, on get and on redrive', async () => {
    const body = JSON.stringify({ rows: Array.from({ length: 5_000 }, (_, n) => ({ n, v: 1.5 })) });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const f = failure({ body });
    const dead = store();
    await dead.recordFailed([f]);
    expect(await rawItem(f.deliveryId)).not.toHaveProperty('body');
    expect((await dead.get(f.deliveryId))?.body).toBe(body);
    expect(await dead.redrive(f.deliveryId)).toBe(true);
    expect(sent[0]?.body).toBe(body);
  });

  it('records a body too large to store without it, and refuses to redrive that one from the table', async () => {
    const body = JSON.stringify({ blob: randomBytes(500 * 1024).toString('base64') });
    const f = failure({ body });
    const dead = store();
    await dead.recordFailed([f]);
    expect(await rawItem(f.deliveryId)).toMatchObject({ bodyMissing: true });
    expect((await dead.get(f.deliveryId))?.body).toBe('');
    await expect(dead.redrive(f.deliveryId)).rejects.toBeInstanceOf(DeadLetterBodyMissingError);
    expect(sent).toEqual([]);
    expect((await dead.list({}, { limit: 5, cursor: null })).items).toHaveLength(1);
  });

  it('redrives as attempt 1 of the same event, pooled and due at once', async () => {
    const f = failure();
    const dead = store();
    await dead.recordFailed([f]);
    expect(await dead.redrive(f.deliveryId)).toBe(true);
    expect(sent).toEqual([
      {
        eventId: f.eventId,
        endpointId: f.endpointId,
        tenantId: f.tenantId,
        eventType: f.eventType,
        body: f.body,
        transport: 'pooled',
        attempt: 1,
      },
    ]);
    expect(await rawItem(f.deliveryId)).toMatchObject({ state: 'redriven', redrivenAt: expect.any(String) });
    expect(await rawItem(f.deliveryId)).not.toHaveProperty('GSI1PK');
  });

  it('redrives with the webhook-sequence the delivery died with', async () => {
    const f = failure({ sequence: 41 });
    const dead = store();
    await dead.recordFailed([f]);
    expect(await dead.redrive(f.deliveryId)).toBe(true);
    expect(sent).toEqual([expect.objectContaining({ eventId: f.eventId, attempt: 1, sequence: 41 })]);
  });

  it('keeps a dead letter listed when the send fails', async () => {
    const f = failure();
    const failing = store({ sender: { send: async () => Promise.reject(new Error('SQS is down')) } });
    await failing.recordFailed([f]);
    await expect(failing.redrive(f.deliveryId)).rejects.toThrow('SQS is down');
    expect(await failing.get(f.deliveryId)).toBeDefined();
    expect((await failing.list({}, { limit: 5, cursor: null })).items).toHaveLength(1);
  });

  it('leaves a delivery that died again while being redriven listed with its new failure', async () => {
    const f = failure();
    const racing = store({
      sender: {
        // The redriven attempt fails for good before the redrive marks the item.
        send: async () => racing.recordFailed([{ ...f, attempts: 1, failedAt: new Date(Date.now() + 1000) }]),
      },
    });
    await racing.recordFailed([f]);
    expect(await racing.redrive(f.deliveryId)).toBe(true);
    expect(await racing.get(f.deliveryId)).toMatchObject({ attempts: 1 });
  });

  it('keeps ids with separators apart', async () => {
    const dead = store();
    const a = failure({ deliveryId: 'a#b', tenantId: 't' });
    const b = failure({ deliveryId: 'a%23b', tenantId: 't' });
    await dead.recordFailed([a, b]);
    expect((await dead.get('a#b'))?.eventId).toBe(a.eventId);
    expect((await dead.get('a%23b'))?.eventId).toBe(b.eventId);
  });

  it('needs a sender to redrive but not to record', async () => {
    const recorder = store({ sender: undefined });
    const f = failure();
    await recorder.recordFailed([f]);
    await expect(recorder.redrive(f.deliveryId)).rejects.toThrow(/sender/);
    expect(await recorder.get(f.deliveryId)).toBeDefined();
  });
});

describe('the API on DynamoDeadLetters', () => {
  const ADMIN = 'admin-token-0123456789';

  function request(method: string, path: string, body = '') {
    const [rawPath, rawQueryString = ''] = path.split('?');
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString,
      headers: {
        host: 'api.example.com',
        authorization: `Bearer ${ADMIN}`,
        'content-type': 'application/json',
      },
      requestContext: {
        accountId: '1',
        apiId: 'api',
        domainName: 'api.example.com',
        domainPrefix: 'api',
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
        requestId: 'r',
        routeKey: '$default',
        stage: '$default',
        time: '01/Jan/2026:00:00:00 +0000',
        timeEpoch: 0,
      },
      body,
      isBase64Encoded: false,
    } as unknown as Parameters<ReturnType<typeof createApiHandler>>[0];
  }

  it('lists, inspects, redrives and discards through the unchanged routes', async () => {
    const dead = store();
    const [f1, f2, f3] = [failure(), failure({ tenantId: 'other' }), failure()] as const;
    await dead.recordFailed([f1, f2, f3]);
    const handler = createApiHandler({
      deadLetters: dead,
      deliveryLog: { listForDelivery: async () => [] },
      adminTokenHash: hashSecret(ADMIN),
      addressPolicy: new AddressPolicy(),
      resolveHost: async () => [],
      requireHttps: true,
      secretOverlapMs: 0,
      onOutboxWrite: () => {},
      log: () => {},
    } as unknown as ApiDependencies);
    const call = async (method: string, path: string, body = '') => {
      const response = await handler(request(method, path, body));
      return { status: response.statusCode, json: response.body ? JSON.parse(response.body) : undefined };
    };

    const listed = await call('GET', '/v1/dead-letters?tenantId=acme');
    expect(listed.status).toBe(200);
    expect(listed.json.items).toHaveLength(2);
    const bad = await call('GET', '/v1/dead-letters?cursor=nope');
    expect(bad).toMatchObject({
      status: 400,
      json: { error: expect.objectContaining({ code: 'invalid_cursor' }) },
    });

    const id1 = toPublicId('dlv', f1.deliveryId);
    const detail = await call('GET', `/v1/dead-letters/${id1}`);
    expect(detail).toMatchObject({ status: 200, json: { id: id1, body: f1.body, attempts: 7 } });

    expect((await call('POST', `/v1/dead-letters/${id1}/redrive`)).status).toBe(202);
    expect(sent.map((m) => m.eventId)).toEqual([f1.eventId]);
    expect((await call('POST', `/v1/dead-letters/${id1}/redrive`)).status).toBe(404);

    expect((await call('DELETE', `/v1/dead-letters/${toPublicId('dlv', f3.deliveryId)}`)).status).toBe(204);
    const bulk = await call('POST', '/v1/dead-letters/redrive', '{}');
    expect(bulk).toEqual({ status: 202, json: { count: 1, remaining: 0 } });
    expect(sent.map((m) => m.eventId)).toEqual([f1.eventId, f2.eventId]);
    expect((await call('GET', '/v1/dead-letters')).json.items).toEqual([]);
  });
});
