import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { DedicatedQuotaError } from '../../../functions/adapters/aws/ApiDestinationManager.ts';
import { createSyncHandler, type SyncDependencies } from '../../../functions/handlers/createSyncHandler.ts';

type Image = Record<string, AttributeValue>;
const endpointImage = (extra: Image = {}): Image => ({
  type: { S: 'endpoint' },
  id: { S: 'ep_1' },
  tenantId: { S: 'acme' },
  url: { S: 'https://hooks.example.com/in' },
  enabled: { BOOL: true },
  ...extra,
});

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

function harness(tier: 'pooled' | 'dedicated' = 'pooled') {
  const deps = {
    destinations: { upsert: vi.fn(async () => 'arn:dest'), remove: vi.fn(async () => {}) },
    subscriptions: {
      getTenant: vi.fn(async () => ({ id: 'acme', name: 'Acme', tier, createdAt: new Date() })),
    },
    readCredentials: vi.fn(async () => ({ clientId: 'id', clientSecret: 's3cret' })),
    markDedicated: vi.fn(async () => {}),
    logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() },
  } satisfies SyncDependencies;
  return { deps, handler: createSyncHandler(deps) };
}

describe('sync handler', () => {
  it('creates resources for an endpoint that asks for an API destination, with its rate limit and OAuth', async () => {
    const { deps, handler } = harness();
    const image = endpointImage({
      transport: { S: 'api-destination' },
      rateLimitPerSecond: { N: '50' },
      connectionAuth: {
        M: {
          type: { S: 'OAUTH_CLIENT_CREDENTIALS' },
          authorizationEndpoint: { S: 'https://auth.example.com/token' },
          credentialsSecretId: { S: 'rowhook/prod/connections/ep_1' },
          scope: { S: 'webhooks' },
        },
      },
    });
    expect(await handler({ Records: [record('INSERT', undefined, image)] })).toEqual({
      batchItemFailures: [],
    });
    expect(deps.readCredentials).toHaveBeenCalledWith('rowhook/prod/connections/ep_1');
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
        bodyParameters: { scope: 'webhooks' },
      },
    });
    expect(deps.markDedicated).toHaveBeenCalledWith('acme', 'ep_1', 'arn:dest', null);
  });

  it('uses the tenant tier when the endpoint does not choose, with default rate limit and placeholder auth', async () => {
    const { deps, handler } = harness('dedicated');
    await handler({ Records: [record('INSERT', undefined, endpointImage())] });
    expect(deps.destinations.upsert).toHaveBeenCalledWith(
      expect.objectContaining({ rateLimitPerSecond: 10, auth: null }),
    );
  });

  it('ignores pooled endpoints and items that are not endpoints', async () => {
    const { deps, handler } = harness();
    await handler({
      Records: [
        record('INSERT', undefined, endpointImage()),
        record('INSERT', undefined, { type: { S: 'tenant' }, id: { S: 'acme' } }, '2'),
      ],
    });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
    expect(deps.destinations.remove).not.toHaveBeenCalled();
  });

  it('updates on a URL change, skips edits that do not touch the resources', async () => {
    const { deps, handler } = harness('dedicated');
    const before = endpointImage();
    await handler({ Records: [record('MODIFY', before, { ...before, description: { S: 'new text' } })] });
    expect(deps.destinations.upsert).not.toHaveBeenCalled();
    await handler({
      Records: [record('MODIFY', before, { ...before, url: { S: 'https://hooks.example.com/v2' } })],
    });
    expect(deps.destinations.upsert).toHaveBeenCalledWith(
      expect.objectContaining({ url: 'https://hooks.example.com/v2' }),
    );
  });

  it('deletes resources when the endpoint is removed or goes back to pooled', async () => {
    const { deps, handler } = harness();
    const dedicated = endpointImage({ transport: { S: 'api-destination' } });
    await handler({ Records: [record('REMOVE', dedicated, undefined)] });
    expect(deps.destinations.remove).toHaveBeenCalledWith('ep_1');
    await handler({ Records: [record('MODIFY', dedicated, endpointImage({ transport: { S: 'pooled' } }))] });
    expect(deps.destinations.remove).toHaveBeenCalledTimes(2);
    expect(deps.markDedicated).toHaveBeenCalledWith('acme', 'ep_1', null, null);
  });

  it('keeps a quota-blocked endpoint pooled without failing the stream', async () => {
    const { deps, handler } = harness('dedicated');
    deps.destinations.upsert.mockRejectedValue(new DedicatedQuotaError('quota reached'));
    expect(await handler({ Records: [record('INSERT', undefined, endpointImage())] })).toEqual({
      batchItemFailures: [],
    });
    expect(deps.markDedicated).toHaveBeenCalledWith('acme', 'ep_1', null, 'quota reached');
  });

  it('reports the first failing record so the stream retries from there in order', async () => {
    const { deps, handler } = harness('dedicated');
    deps.destinations.upsert.mockRejectedValueOnce(new Error('throttled'));
    const result = await handler({
      Records: [
        record('INSERT', undefined, endpointImage(), '7'),
        record('INSERT', undefined, endpointImage(), '8'),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(deps.destinations.upsert).toHaveBeenCalledTimes(1);
  });
});
