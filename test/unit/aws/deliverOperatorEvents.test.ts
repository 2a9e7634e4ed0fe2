import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoEndpointHealth } from '../../../functions/adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { PublishingOperationalEvents } from '../../../functions/adapters/aws/PublishingOperationalEvents.ts';
import { OPERATIONAL_EVENT_TYPES, OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import {
  createDeliverHandler,
  type DeliverDependencies,
} from '../../../functions/handlers/createDeliverHandler.ts';
import { queueDirectly } from '../../../functions/handlers/wiring/operatorEvents.ts';
import { ensureOperatorEndpoint } from '../../../functions/pipeline/ensureOperatorEndpoint.ts';
import type { Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import type { SecretStore } from '../../../functions/ports/SecretStore.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { deliverTestDependencies } from './deliverTestDependencies.ts';

// The deliver Lambda as wired on AWS with an operator webhook: real DynamoDB adapters (dynalite),
// real receivers on 127.0.0.1 for a tenant and for the operator, the bus and the queue mocked.
const T = new Date('2026-11-01T00:00:00.000Z');
const BUS = 'rowhook-test';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-deliveries';
const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const tenantId = 'acme';

let dynamo: Dynalite;
let customer: TestReceiver;
let operator: TestReceiver;
beforeAll(async () => {
  [dynamo, customer, operator] = await Promise.all([
    startDynalite(),
    new TestReceiver().start(),
    new TestReceiver().start(),
  ]);
});
afterAll(async () => {
  await Promise.all([dynamo?.close(), customer?.stop(), operator?.stop()]);
});

/** Secrets in memory: what ensureOperatorEndpoint and the handler need of the port. */
function memorySecrets(): SecretStore {
  const map = new Map<string, string[]>();
  return {
    create: async (id, secret) => void map.set(id, [secret]),
    rotate: async (id, secret) => void map.set(id, [secret]),
    activeSecrets: async (ids) =>
      new Map(ids.flatMap((id) => (map.has(id) ? [[id, map.get(id) ?? []]] : []))),
    delete: async (id) => void map.delete(id),
    putAuthSecret: async () => {},
    authSecret: async () => undefined,
    putReceiverSecrets: async () => {},
    receiverSecrets: async () => undefined,
  };
}

let tables = 0;
let subscriptions: DynamoSubscriptionStore;
let recorder: DynamoOperationalEvents;
let settled: Settlement[];
let deps: DeliverDependencies;
let handler: ReturnType<typeof createDeliverHandler>;
let endpointId: string;
const OPERATOR_SECRET = generateSecret();
const CUSTOMER_SECRET = generateSecret();

beforeEach(async () => {
  const tableName = `deliver-operator-${++tables}`;
  await dynamo.createTable(tableName);
  const client = dynamo.client;
  subscriptions = new DynamoSubscriptionStore({ client, tableName });
  recorder = new DynamoOperationalEvents({ client, tableName });
  settled = [];
  eventBridge.reset();
  sqs.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'bus-1' }] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'sqs-1' });
  customer.received.length = 0;
  operator.received.length = 0;
  customer.respondWithStatuses(200);
  operator.respondWithStatuses(200);

  const secrets = memorySecrets();
  await subscriptions.createTenant(
    { id: tenantId, name: 'Acme', tier: 'pooled' },
    Buffer.alloc(32, 1),
    'rk_',
  );
  endpointId = `ep_${randomUUID().slice(0, 8)}`;
  await subscriptions.createEndpoint({
    id: endpointId,
    tenantId,
    url: customer.url,
    description: '',
    eventTypes: null,
    filter: null,
    enabled: true,
  });
  await secrets.create(endpointId, CUSTOMER_SECRET);
  await ensureOperatorEndpoint(subscriptions, secrets, { url: operator.url, secret: OPERATOR_SECRET });

  deps = {
    subscriptions,
    secrets,
    log: { record: async () => {} } as unknown as DeliverDependencies['log'],
    ...deliverTestDependencies(settled, () => T),
    health: {
      health: new DynamoEndpointHealth({ client, tableName }),
      operationalEvents: new PublishingOperationalEvents({
        recorder,
        publisher: new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
          eventBusName: BUS,
          maxAttempts: 2,
          sleep: async () => {},
        }),
        fallback: queueDirectly(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL),
        onFallback: (error) => deps.logger.warn('fallback', { error: String(error) }),
      }),
      disableAfterMs: 5 * 86_400_000,
    },
  };
  handler = createDeliverHandler(deps);
});

function sqsEvent(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body) => ({ messageId: randomUUID(), body, attributes: {}, messageAttributes: {} })),
  } as unknown as SQSEvent;
}

function customerDelivery(attempt: number): string {
  const message: DeliveryMessage = {
    eventId: randomUUID(),
    endpointId,
    tenantId,
    eventType: 'orders.created',
    body: '{"id":1}',
    transport: 'pooled',
    attempt,
  };
  return JSON.stringify(message);
}

const busEntries = (): PutEventsRequestEntry[] =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('deliver publishes operational events to the operator endpoint', () => {
  it('a 410 puts one pooled bus entry for the operator endpoint, keyed by the operational event id', async () => {
    customer.respondWithStatuses(410);
    expect(await handler(sqsEvent(customerDelivery(1)))).toEqual({ batchItemFailures: [] });

    const [recorded] = await recorder.list({}, { limit: 10, after: null });
    expect(recorded?.type).toBe(OPERATIONAL_EVENT_TYPES.endpointDisabled);
    const entries = busEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: BUS,
      Source: 'rowhook',
      DetailType: 'rowhook.delivery',
    });
    const detail = JSON.parse(entries[0]?.Detail ?? '{}') as DeliveryMessage;
    expect(detail).toEqual({
      eventId: expect.any(String),
      endpointId: OPERATOR_ENDPOINT.endpointId,
      tenantId: OPERATOR_ENDPOINT.tenantId,
      eventType: 'endpoint.disabled',
      body: expect.any(String),
      transport: 'pooled',
    });
    expect(`oev_${detail.eventId.replaceAll('-', '')}`).toBe(recorded?.id);
    expect(JSON.parse(detail.body)).toEqual({
      type: 'endpoint.disabled',
      timestamp: T.toISOString(),
      data: { tenantId, endpointId, trigger: 'gone', reason: expect.stringMatching(/410/) },
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('the bus entry, delivered like any pooled one, reaches the operator signed with its secret', async () => {
    customer.respondWithStatuses(500);
    await handler(sqsEvent(customerDelivery(3)));
    const [entry] = busEntries();
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ eventType: 'message.attempt.exhausted' });

    // The pooled rule's target input is `$.detail`: the SQS body is the Detail as written.
    expect(await handler(sqsEvent(entry?.Detail ?? ''))).toEqual({ batchItemFailures: [] });
    expect(operator.received).toHaveLength(1);
    const [request] = operator.received;
    const detail = JSON.parse(entry?.Detail ?? '{}') as DeliveryMessage;
    expect(request?.body).toBe(detail.body);
    const headers = request?.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(`evt_${detail.eventId.replaceAll('-', '')}`);
    vi.useFakeTimers({ now: T, toFake: ['Date'] });
    try {
      expect(() => new Webhook(OPERATOR_SECRET).verify(request?.body ?? '', headers)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    // Delivering to the operator endpoint raised nothing of its own.
    expect(busEntries()).toHaveLength(1);
  });

  it('raises nothing about the operator endpoint itself, even when it answers 410 or runs out of attempts', async () => {
    const { tenantId: opTenant, endpointId: opEndpoint } = OPERATOR_ENDPOINT;
    const message = (attempt: number): string =>
      JSON.stringify({
        eventId: randomUUID(),
        endpointId: opEndpoint,
        tenantId: opTenant,
        eventType: 'endpoint.disabled',
        body: '{"type":"endpoint.disabled"}',
        transport: 'pooled',
        attempt,
      } satisfies DeliveryMessage);
    operator.respondWithStatuses(500, 410);
    await handler(sqsEvent(message(3)));
    await handler(sqsEvent(message(1)));
    expect(operator.received).toHaveLength(2);
    expect(busEntries()).toHaveLength(0);
    expect(await recorder.list({}, { limit: 10, after: null })).toEqual([]);
  });

  it('when the bus keeps failing, the same delivery message goes straight onto the delivery queue', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' }));
    customer.respondWithStatuses(410);
    expect(await handler(sqsEvent(customerDelivery(1)))).toEqual({ batchItemFailures: [] });

    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    const sends = sqs.commandCalls(SendMessageCommand);
    expect(sends).toHaveLength(1);
    const input = sends[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(QUEUE_URL);
    const [recorded] = await recorder.list({}, { limit: 10, after: null });
    expect(JSON.parse(input?.MessageBody ?? '{}')).toMatchObject({
      eventId: expect.any(String),
      endpointId: OPERATOR_ENDPOINT.endpointId,
      tenantId: OPERATOR_ENDPOINT.tenantId,
      eventType: 'endpoint.disabled',
      transport: 'pooled',
    });
    expect(`oev_${JSON.parse(input?.MessageBody ?? '{}').eventId.replaceAll('-', '')}`).toBe(recorded?.id);
    expect(deps.logger.warn).toHaveBeenCalledWith('fallback', expect.anything());
  });

  it('when bus and queue both fail, the event stays recorded and the settled batch is not failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    customer.respondWithStatuses(410);
    // Failing the record would attempt and settle the tenant's delivery a second time.
    expect(await handler(sqsEvent(customerDelivery(1)))).toEqual({ batchItemFailures: [] });
    expect(settled.map((s) => s.kind)).toEqual(['dead']);
    expect(await recorder.list({}, { limit: 10, after: null })).toEqual([
      expect.objectContaining({ type: OPERATIONAL_EVENT_TYPES.endpointDisabled, endpointId }),
    ]);
    expect(deps.metrics.addMetric).toHaveBeenCalledWith('OperationalEventsFailed', 'Count', 1);
    expect(deps.logger.error).toHaveBeenCalledWith(
      'could not record endpoint health or operational events',
      expect.objectContaining({}),
    );
  });
});
