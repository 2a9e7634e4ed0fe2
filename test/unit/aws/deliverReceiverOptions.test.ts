import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { SecretsManagerSecretStore } from '../../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { UndiciSender } from '../../../functions/adapters/http/UndiciSender.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import type { ReceiverOptions } from '../../../functions/core/receivers/ReceiverOptions.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import {
  createDeliverHandler,
  type DeliverDependencies,
} from '../../../functions/handlers/createDeliverHandler.ts';
import type { Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { deliverTestDependencies } from './deliverTestDependencies.ts';
import { sqsRecord } from './sqsRecord.ts';

// The pooled AWS path: the deliver Lambda reads the endpoint (receiver options included) from
// DynamoDB (dynalite) and the receiver secrets from Secrets Manager (mocked), and applies them.
const T = new Date('2026-11-01T00:00:00.000Z');
const SIGNING_SECRET = generateSecret();
const secretsManager = mockClient(SecretsManagerClient);

let dynamo: Dynalite;
let receiver: TestReceiver;
beforeAll(async () => {
  [dynamo, receiver] = await Promise.all([startDynalite(), new TestReceiver().start()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.close(), receiver?.stop()]);
});

let tables = 0;
let subscriptions: DynamoSubscriptionStore;
let settled: Settlement[];
let handler: ReturnType<typeof createDeliverHandler>;
let endpointId: string;

const receiverOptions: ReceiverOptions = {
  headers: [
    { name: 'X-Tenant-Ref', value: 'acme-42', secret: false },
    { name: 'X-Api-Key', value: null, secret: true },
  ],
  auth: { type: 'bearer' },
  clientCertificate: null,
  retrySchedule: '1m',
  timeoutMs: 2000,
};

beforeEach(async () => {
  const tableName = `deliver-receiver-${++tables}`;
  await dynamo.createTable(tableName);
  subscriptions = new DynamoSubscriptionStore({ client: dynamo.client, tableName });
  await subscriptions.createTenant({ id: 'acme', name: 'Acme', tier: 'pooled' }, Buffer.alloc(32, 2), 'rk_');
  endpointId = `ep_${randomUUID().slice(0, 8)}`;
  await subscriptions.createEndpoint({
    id: endpointId,
    tenantId: 'acme',
    url: receiver.url,
    description: '',
    eventTypes: null,
    filter: null,
    enabled: true,
    receiver: receiverOptions,
  });
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand, { SecretId: `rowhook/test/endpoints/${endpointId}` }).resolves({
    SecretString: JSON.stringify({ secrets: [{ secret: SIGNING_SECRET, createdAt: T.toISOString() }] }),
  });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: `rowhook/test/endpoint-receiver/${endpointId}` })
    .resolves({
      SecretString: JSON.stringify({ headers: { 'X-Api-Key': 'key-7788' }, token: 'tok-aws' }),
    });
  const secrets = new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), {
    stage: 'test',
    now: () => T,
  });
  settled = [];
  receiver.received.length = 0;
  const deps: DeliverDependencies = {
    subscriptions,
    secrets,
    log: { record: async () => {} } as unknown as DeliverDependencies['log'],
    ...deliverTestDependencies(settled, () => T),
    sender: new UndiciSender({
      policy: new AddressPolicy(['127.0.0.0/8']),
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 5_000,
      snippetBytes: 100,
      connectionsPerOrigin: 4,
      userAgent: 'rowhook-test',
      receiverSecrets: (id) => secrets.receiverSecrets(id),
    }),
    rejectMessage: vi.fn(async () => {}),
  };
  handler = createDeliverHandler(deps);
});

const delivery = (): DeliveryMessage => ({
  eventId: randomUUID(),
  endpointId,
  tenantId: 'acme',
  eventType: 'orders.created',
  body: '{"id":1}',
  transport: 'pooled',
  attempt: 1,
});

describe('deliver Lambda with receiver options', () => {
  it('keeps the receiver options in the DynamoDB item', async () => {
    const [read] = await subscriptions.getEndpointsByIds([endpointId]);
    expect(read?.receiver).toEqual(receiverOptions);
    const changed = await subscriptions.updateEndpoint('acme', endpointId, { receiver: null });
    expect(changed?.receiver).toBeNull();
  });

  it('sends custom headers and the bearer token from Secrets Manager; the signature verifies', async () => {
    expect(await handler({ Records: [sqsRecord('m1', delivery())] })).toEqual({ batchItemFailures: [] });
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook?.headers['x-tenant-ref']).toBe('acme-42');
    expect(webhook?.headers['x-api-key']).toBe('key-7788');
    expect(webhook?.headers.authorization).toBe('Bearer tok-aws');
    vi.useFakeTimers({ now: T, toFake: ['Date'] });
    try {
      expect(() =>
        new Webhook(SIGNING_SECRET).verify(webhook?.body ?? '', webhook?.headers as Record<string, string>),
      ).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    expect(settled).toEqual([expect.objectContaining({ kind: 'delivered', status: 200 })]);
  });

  it("retries on the endpoint's own schedule (1m), not the Lambda's (5s,5m)", async () => {
    receiver.respondWithStatuses(503);
    try {
      await handler({ Records: [sqsRecord('m1', delivery())] });
    } finally {
      receiver.respondWithStatuses(200);
    }
    expect(settled).toEqual([expect.objectContaining({ kind: 'retry', delayMs: 60_000, status: 503 })]);
  });
});
