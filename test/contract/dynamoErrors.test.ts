import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { DynamoStoreError, DynamoUnavailableError } from '../../functions/adapters/aws/dynamo/errors.ts';
import { endpointKey, endpointRefKey } from '../../functions/adapters/aws/dynamo/keys.ts';
import { endpointItem, endpointRefItem } from '../../functions/adapters/aws/dynamo/subscriptionItems.ts';
import type { AttemptRecord } from '../../functions/ports/DeliveryLog.ts';
import { apiKeyHash } from './contractSupport.ts';

const TABLE = 'rowhook-mock';
const metadata = { $metadata: {} };
/** The SDK has no class for ValidationException: it arrives as the service's base exception. */
const validation = (message: string) =>
  new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message, ...metadata });
const fastRetry = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 };

const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const mock = mockClient(DynamoDBDocumentClient);

let store: DynamoSubscriptionStore;

beforeEach(() => {
  mock.reset();
  store = new DynamoSubscriptionStore({ client, tableName: TABLE, batchRetry: fastRetry });
});

afterEach(() => {
  mock.reset();
});

function endpointAt(id: string, tenantId: string) {
  const at = new Date('2026-01-02T03:04:05.678Z');
  return {
    id,
    tenantId,
    url: `https://example.com/${id}`,
    description: '',
    eventTypes: null,
    filter: { data: { n: [1.5] } },
    enabled: true,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
  };
}

describe('DynamoDB errors become DynamoStoreErrors at the call site', () => {
  const throttles = [
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata }),
    ],
    ['ThrottlingException', new ThrottlingException({ message: 'rate exceeded', ...metadata })],
    ['InternalServerError (5xx)', new InternalServerError({ message: 'oops', ...metadata })],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ] as const;

  for (const [name, vendorError] of throttles) {
    it(`${name} → retryable store_unavailable, original as cause`, async () => {
      mock.on(GetCommand).rejects(vendorError);
      const error = await store.getTenant('acme').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DynamoUnavailableError);
      expect(error).toMatchObject({ code: 'store_unavailable', retryable: true, cause: vendorError });
      expect((error as Error).message).toContain('reading a tenant');
    });
  }

  it('converts Query failures too (listing endpoints)', async () => {
    const vendorError = new ThrottlingException({ message: 'rate exceeded', ...metadata });
    mock.on(QueryCommand).rejects(vendorError);
    await expect(store.listEndpoints('acme', { limit: 10, cursor: null })).rejects.toMatchObject({
      code: 'store_unavailable',
      retryable: true,
      cause: vendorError,
    });
  });

  it("ConditionalCheckFailed on the tenant put → 'tenant_exists' (not retryable)", async () => {
    mock.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', ...metadata }));
    // The stored tenant is someone else's, not our own write retried by the SDK.
    mock.on(GetCommand).resolves({ Item: { PK: 'TENANT#acme', SK: 'TENANT', id: 'acme', name: 'Other' } });
    await expect(
      store.createTenant({ id: 'acme', name: 'Acme', tier: 'pooled' }, apiKeyHash('k'), 'rh_k'),
    ).rejects.toMatchObject({ code: 'tenant_exists', retryable: false, tenantId: 'acme' });
    expect(mock.commandCalls(PutCommand)).toHaveLength(1); // no API key written
  });

  it('treats a ConditionalCheckFailed caused by its own retried put as success', async () => {
    let written: Record<string, unknown> | undefined;
    mock
      .on(PutCommand)
      .callsFakeOnce((input: { Item: Record<string, unknown> }) => {
        written = input.Item;
        throw new ConditionalCheckFailedException({ message: 'exists', ...metadata });
      })
      .resolves({});
    mock.on(GetCommand).callsFake(() => ({ Item: written }));
    const tenant = await store.createTenant(
      { id: 'acme', name: 'Acme', tier: 'pooled' },
      apiKeyHash('k'),
      'rh',
    );
    expect(tenant).toMatchObject({ id: 'acme', name: 'Acme' });
    expect(mock.commandCalls(PutCommand)).toHaveLength(2); // tenant, then its API key
  });

  it("a ConditionalCheckFailed on an update means 'not this tenant's endpoint'", async () => {
    mock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', ...metadata }));
    expect(await store.updateEndpoint('t', 'ep', { description: 'x' })).toBeUndefined();
    await expect(store.disableEndpoint('t', 'ep', 'gone')).resolves.toBeUndefined();
  });

  it("an oversized item → 'invalid_input'; other validation errors stay internal", async () => {
    mock
      .on(UpdateCommand)
      .rejectsOnce(validation('Item size has exceeded the maximum allowed size'))
      .rejectsOnce(validation('Invalid UpdateExpression: syntax error'));
    await expect(store.updateEndpoint('t', 'ep', { description: 'x' })).rejects.toMatchObject({
      code: 'invalid_input',
      retryable: false,
    });
    const internal = await store.updateEndpoint('t', 'ep', { description: 'x' }).catch((e: unknown) => e);
    expect(internal).toBeInstanceOf(DynamoStoreError);
    expect(internal).toMatchObject({ code: 'store_error', retryable: false });
  });

  it("rejects a cursor it did not issue with 'invalid_cursor', without calling DynamoDB", async () => {
    for (const cursor of ['nope', Buffer.from('["2026"]').toString('base64url'), '']) {
      await expect(store.listEndpoints('t', { limit: 5, cursor })).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    }
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('batch calls retry what DynamoDB leaves unprocessed', () => {
  const refs = [{ ...endpointRefItem('ep_1', 't1') }, { ...endpointRefItem('ep_2', 't2') }];
  const endpoints = [endpointItem(endpointAt('ep_1', 't1')), endpointItem(endpointAt('ep_2', 't2'))];

  it('BatchGet: UnprocessedKeys are asked again until every item is read', async () => {
    mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: refs.slice(0, 1) },
        UnprocessedKeys: { [TABLE]: { Keys: [endpointRefKey('ep_2')], ConsistentRead: true } },
      })
      .resolvesOnce({ Responses: { [TABLE]: refs.slice(1) } })
      .resolvesOnce({
        Responses: { [TABLE]: [] },
        UnprocessedKeys: { [TABLE]: { Keys: [endpointKey('t1', 'ep_1'), endpointKey('t2', 'ep_2')] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: endpoints } });

    const got = await store.getEndpointsByIds(['ep_1', 'ep_2']);
    expect(got.map((e) => e.id).sort()).toEqual(['ep_1', 'ep_2']);
    expect(got.find((e) => e.id === 'ep_1')).toEqual(endpointAt('ep_1', 't1'));
    const calls = mock.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.[TABLE]?.Keys);
    expect(calls).toEqual([
      [endpointRefKey('ep_1'), endpointRefKey('ep_2')],
      [endpointRefKey('ep_2')],
      [endpointKey('t1', 'ep_1'), endpointKey('t2', 'ep_2')],
      [endpointKey('t1', 'ep_1'), endpointKey('t2', 'ep_2')],
    ]);
    // Tenants of known ids are remembered: the next lookup reads the endpoints only.
    mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: endpoints } });
    await store.getEndpointsByIds(['ep_1', 'ep_2']);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(5);
  });

  it('BatchGet: gives up with a retryable error when keys stay unprocessed', async () => {
    mock.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: [endpointRefKey('ep_1')] } },
    });
    await expect(store.getEndpointsByIds(['ep_1'])).rejects.toMatchObject({
      code: 'store_unavailable',
      retryable: true,
    });
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(1 + fastRetry.maxRetries);
  });

  it('BatchGet: a throttled call is converted with its cause', async () => {
    const vendorError = new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata });
    mock.on(BatchGetCommand).rejects(vendorError);
    await expect(store.getEndpointsByIds(['ep_1'])).rejects.toMatchObject({
      retryable: true,
      cause: vendorError,
    });
  });

  it('BatchWrite: UnprocessedItems are written again', async () => {
    const log = new DynamoDeliveryLog({
      client,
      tableName: TABLE,
      retentionMs: 86_400_000,
      batchRetry: fastRetry,
    });
    const record = (n: number): AttemptRecord => ({
      deliveryId: `d${n}`,
      tenantId: 't',
      endpointId: 'ep',
      eventId: `e${n}`,
      attempt: 1,
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
      webhookTimestamp: 1_767_225_600 + n,
      status: 500,
      latencyMs: 12.4,
      errorClass: null,
      errorMessage: null,
      responseSnippet: null,
    });
    mock
      .on(BatchWriteCommand)
      .callsFakeOnce((input) => ({ UnprocessedItems: { [TABLE]: input.RequestItems[TABLE].slice(1) } }))
      .resolves({});
    await log.record([record(1), record(2), record(3)]);
    const sizes = mock
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes).toEqual([3, 2]);
  });
});
