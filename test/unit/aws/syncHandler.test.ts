import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { DedicatedQuotaError } from '../../../functions/adapters/aws/ApiDestinationManager.ts';
import { endpointItem } from '../../../functions/adapters/aws/dynamo/subscriptionItems.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import {
  createSyncHandler,
  DEDICATED_DELIVERY_OFF_REASON,
  type SyncDependencies,
} from '../../../functions/handlers/createSyncHandler.ts';

type Image = Record<string, AttributeValue>;

/** What DynamoDB streams carry for a value the DocumentClient wrote (enough for our items). */
function marshall(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshall) };
  return { M: marshallItem(value as Record<string, unknown>) };
}
const marshallItem = (item: Record<string, unknown>): Image =>
  Object.fromEntries(
    Object.entries(item)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, marshall(v)]),
  );

const base: Endpoint = {
  id: 'ep_1',
  tenantId: 'acme',
  url: 'https://hooks.example.com/in',
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  transport: 'auto',
  rateLimitPerSecond: null,
  auth: null,
  dedicated: { apiDestinationArn: null, status: 'pending', reason: null },
};

/** A stream image of an endpoint item, written through the table's own item mapper. */
const image = (overrides: Partial<Endpoint> = {}): Image =>
  marshallItem({ ...endpointItem({ ...base, ...overrides }) });

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  oldImage?: Image,
  newImage?: Image,
  seq = '1',
): DynamoDBRecord {
  return {
    eventID: `id-${seq}`,
    eventName,
    dynamodb: {
      SequenceNumber: seq,
      ...(oldImage ? { OldImage: oldImage } : {}),
      ...(newImage ? { NewImage: newImage } : {}),
    },
  } as DynamoDBRecord;
}

function harness(tier: 'pooled' | 'dedicated' = 'pooled', dedicatedDelivery = true) {
  const deps = {
    destinations: { upsert: vi.fn(async () => 'arn:dest'), remove: vi.fn(async () => {}) },
    subscriptions: {
      getTenant: vi.fn(async () => ({ id: 'acme', name: 'Acme', tier, createdAt: new Date() })),
      setDedicatedStatus: vi.fn(async () => {}),
    },
    secrets: {
      authSecret: vi.fn(async (): Promise<string | undefined> => 's3cret'),
      receiverSecrets: vi.fn(async () => undefined),
    },
    logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() },
    dedicatedDelivery,
  } satisfies SyncDependencies;
  return { deps, handler: createSyncHandler(deps) };
}

const active = { apiDestinationArn: 'arn:dest', status: 'active', reason: null } as const;

describe('sync handler', () => {
  it('creates resources for an endpoint that asks for an API destination, with its rate limit and OAuth', async () => {
    const { deps, handler } = harness();
    const inserted = image({
      transport: 'api-destination',
      rateLimitPerSecond: 50,
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        tokenUrl: 'https://auth.example.com/token',
        clientId: 'id',
        scope: 'webhooks',
      },
    });
    expect(await handler({ Records: [record('INSERT', undefined, inserted)] })).toEqual({
      batchItemFailures: [],
    });
    expect(deps.secrets.authSecret).toHaveBeenCalledWith('ep_1');
    expect(deps.destinations.upsert).toHaveBeenCalledWith({
      endpointId: 'ep_1',
      tenantId: 'acme',
      url: 'https://hooks.example.com/in',
      rateLimitPerSecond: 50,
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        authorizationEndpoint: 'https://auth.example.com/token',
        httpMethod: 'POST',
        clientId: 'id',
        clientSecret: 's3cret',
        bodyParameters: { grant_type: 'client_credentials', scope: 'webhooks' },
      },
    });
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', active);
  });

  it('builds API key and basic auth from the non-secret part and the stored secret', async () => {
    const { deps, handler } = harness();
    await handler({
      Records: [
        record(
          'INSERT',
          undefined,
          image({ transport: 'api-destination', auth: { type: 'API_KEY', headerName: 'x-api-key' } }),
        ),
        record(
          'INSERT',
          undefined,
          image({ id: 'ep_2', transport: 'api-destination', auth: { type: 'BASIC', username: 'bob' } }),
          '2',
        ),
      ],
    });
    expect(deps.destinations.upsert).toHaveBeenNthCalledWith(
      1,
      expect.objectContaining({ auth: { type: 'API_KEY', headerName: 'x-api-key', headerValue: 's3cret' } }),
    );
    expect(deps.destinations.upsert).toHaveBeenNthCalledWith(
      2,
      expect.objectContaining({ auth: { type: 'BASIC', username: 'bob', password: 's3cret' } }),
    );
  });

  it('falls back to pooled with a reason when the auth secret is missing', async () => {
    const { deps, handler } = harness();
    deps.secrets.authSecret.mockResolvedValue(undefined);
    const inserted = image({ transport: 'api-destination', auth: { type: 'BASIC', username: 'bob' } });
    expect(await handler({ Records: [record('INSERT', undefined, inserted)] })).toEqual({
      batchItemFailures: [],
    });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', {
      apiDestinationArn: null,
      status: 'fallback-pooled',
      reason: expect.stringMatching(/no auth secret/),
    });
  });

  it('uses the tenant tier when the endpoint does not choose, with default rate limit and placeholder auth', async () => {
    const { deps, handler } = harness('dedicated');
    await handler({ Records: [record('INSERT', undefined, image())] });
    expect(deps.destinations.upsert).toHaveBeenCalledWith(
      expect.objectContaining({ rateLimitPerSecond: 10, auth: null }),
    );
    expect(deps.secrets.authSecret).not.toHaveBeenCalled();
  });

  it('ignores pooled endpoints and items that are not endpoints', async () => {
    const { deps, handler } = harness();
    await handler({
      Records: [
        record('INSERT', undefined, image({ dedicated: null })),
        record('INSERT', undefined, { type: { S: 'tenant' }, id: { S: 'acme' } }, '2'),
      ],
    });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
    expect(deps.destinations.remove).not.toHaveBeenCalled();
    expect(deps.subscriptions.setDedicatedStatus).not.toHaveBeenCalled();
  });

  it('skips its own status writes and edits that do not touch the resources', async () => {
    const { deps, handler } = harness('dedicated');
    const pending = image();
    const synced = image({ dedicated: active });
    await handler({ Records: [record('MODIFY', pending, synced)] });
    await handler({ Records: [record('MODIFY', synced, image({ dedicated: active, description: 'new' }))] });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
  });

  it('updates on a URL change, and on a pending status (the API asks again, e.g. a new secret)', async () => {
    const { deps, handler } = harness('dedicated');
    const synced = image({ dedicated: active });
    await handler({
      Records: [record('MODIFY', synced, image({ dedicated: active, url: 'https://hooks.example.com/v2' }))],
    });
    expect(deps.destinations.upsert).toHaveBeenCalledWith(
      expect.objectContaining({ url: 'https://hooks.example.com/v2' }),
    );
    await handler({ Records: [record('MODIFY', synced, image())] });
    expect(deps.destinations.upsert).toHaveBeenCalledTimes(2);
  });

  it('deletes resources when the endpoint is removed or goes back to pooled, and clears the status', async () => {
    const { deps, handler } = harness();
    const dedicated = image({ transport: 'api-destination', dedicated: active });
    await handler({ Records: [record('REMOVE', dedicated, undefined)] });
    expect(deps.destinations.remove).toHaveBeenCalledWith('ep_1');
    expect(deps.subscriptions.setDedicatedStatus).not.toHaveBeenCalled();
    await handler({
      Records: [record('MODIFY', dedicated, image({ transport: 'pooled', dedicated: active }))],
    });
    expect(deps.destinations.remove).toHaveBeenCalledTimes(2);
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', null);
  });

  it('keeps a quota-blocked endpoint pooled without failing the stream', async () => {
    const { deps, handler } = harness('dedicated');
    deps.destinations.upsert.mockRejectedValue(new DedicatedQuotaError('quota reached'));
    expect(await handler({ Records: [record('INSERT', undefined, image())] })).toEqual({
      batchItemFailures: [],
    });
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', {
      apiDestinationArn: null,
      status: 'fallback-pooled',
      reason: 'quota reached',
    });
    // Its own fallback write comes back through the stream and is not retried.
    await handler({
      Records: [
        record(
          'MODIFY',
          image(),
          image({
            dedicated: { apiDestinationArn: null, status: 'fallback-pooled', reason: 'quota reached' },
          }),
        ),
      ],
    });
    expect(deps.destinations.upsert).toHaveBeenCalledTimes(1);
  });

  it('reports the first failing record so the stream retries from there in order', async () => {
    const { deps, handler } = harness('dedicated');
    deps.destinations.upsert.mockRejectedValueOnce(new Error('throttled'));
    const result = await handler({
      Records: [record('INSERT', undefined, image(), '7'), record('INSERT', undefined, image(), '8')],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(deps.destinations.upsert).toHaveBeenCalledTimes(1);
  });
});

describe('sync handler with dedicated delivery off (rowhook:dedicatedDelivery unset)', () => {
  const off = {
    apiDestinationArn: null,
    status: 'fallback-pooled',
    reason: DEDICATED_DELIVERY_OFF_REASON,
  } as const;

  it('creates nothing for an endpoint asking for an API destination and says why in its status', async () => {
    const { deps, handler } = harness('pooled', false);
    await handler({ Records: [record('INSERT', undefined, image({ transport: 'api-destination' }))] });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', off);
  });

  it('removes resources left from when it was on, and stops at its own status write', async () => {
    const { deps, handler } = harness('dedicated', false);
    const wasActive = image({ dedicated: active, url: 'https://hooks.example.com/v2' });
    await handler({ Records: [record('MODIFY', image({ dedicated: active }), wasActive)] });
    expect(deps.destinations.remove).toHaveBeenCalledWith('ep_1');
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', off);

    const { deps: again, handler: next } = harness('dedicated', false);
    await next({ Records: [record('MODIFY', wasActive, image({ dedicated: off }))] });
    expect(again.destinations.remove).not.toHaveBeenCalled();
    expect(again.subscriptions.setDedicatedStatus).not.toHaveBeenCalled();
  });

  it('syncs an endpoint parked by the switch once it is on again and the endpoint is touched', async () => {
    const { deps, handler } = harness('dedicated', true);
    const parked = image({ dedicated: off });
    await handler({ Records: [record('MODIFY', parked, parked)] });
    expect(deps.destinations.upsert).toHaveBeenCalled();
    expect(deps.subscriptions.setDedicatedStatus).toHaveBeenCalledWith('acme', 'ep_1', active);
  });
});

describe('sync handler with receiver options', () => {
  it('builds the Connection from the receiver options and their secrets, carried in the table item', async () => {
    const { deps, handler } = harness();
    deps.secrets.receiverSecrets.mockResolvedValue({ headers: { 'X-Key': 'k' }, token: 'tok' } as never);
    const receiver = {
      headers: [{ name: 'X-Key', value: null, secret: true }],
      auth: { type: 'bearer' },
      clientCertificate: null,
      retrySchedule: '1m',
      timeoutMs: 5000,
    } as const;
    await handler({
      Records: [
        record(
          'INSERT',
          undefined,
          image({ transport: 'api-destination', receiver: { ...receiver, headers: [...receiver.headers] } }),
        ),
      ],
    });
    expect(deps.secrets.receiverSecrets).toHaveBeenCalledWith('ep_1');
    expect(deps.secrets.authSecret).not.toHaveBeenCalled();
    expect(deps.destinations.upsert).toHaveBeenCalledWith({
      endpointId: 'ep_1',
      tenantId: 'acme',
      url: 'https://hooks.example.com/in',
      rateLimitPerSecond: 10,
      auth: { type: 'API_KEY', headerName: 'Authorization', headerValue: 'Bearer tok' },
      headers: [{ name: 'X-Key', value: 'k', secret: true }],
    });
  });
});

describe('sync handler with receiver headers and the API destination auth', () => {
  it('keeps the auth/authSecret Connection auth when the receiver options carry headers only', async () => {
    const { deps, handler } = harness();
    deps.secrets.receiverSecrets.mockResolvedValue(undefined);
    await handler({
      Records: [
        record(
          'INSERT',
          undefined,
          image({
            transport: 'api-destination',
            auth: { type: 'BASIC', username: 'u' },
            receiver: {
              headers: [{ name: 'X-Plain', value: 'p', secret: false }],
              auth: { type: 'none' },
              clientCertificate: null,
              retrySchedule: null,
              timeoutMs: null,
            },
          }),
        ),
      ],
    });
    expect(deps.destinations.upsert).toHaveBeenCalledWith(
      expect.objectContaining({
        auth: { type: 'BASIC', username: 'u', password: 's3cret' },
        headers: [{ name: 'X-Plain', value: 'p', secret: false }],
      }),
    );
  });
});
