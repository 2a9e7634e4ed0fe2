import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoEndpointHealth } from '../../../functions/adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { OPERATIONAL_EVENT_TYPES } from '../../../functions/core/health/constants.ts';
import { HEALTHY } from '../../../functions/core/health/EndpointHealthState.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import {
  createDeliverHandler,
  type DeliverDependencies,
} from '../../../functions/handlers/createDeliverHandler.ts';
import type { Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { deliverTestDependencies } from './deliverTestDependencies.ts';

// The deliver Lambda with the real DynamoDB health and operational-event adapters (on dynalite), a
// real receiver on 127.0.0.1, and a clock the test sets.
const DAY = 86_400_000;
const T = new Date('2026-11-01T00:00:00.000Z');
const SECRET = generateSecret();

let dynamo: Dynalite;
let receiver: TestReceiver;
let tables = 0;
beforeAll(async () => {
  [dynamo, receiver] = await Promise.all([startDynalite(), new TestReceiver().start()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.close(), receiver?.stop()]);
});

let now: Date;
let subscriptions: DynamoSubscriptionStore;
let health: DynamoEndpointHealth;
let events: DynamoOperationalEvents;
let settled: Settlement[];
let handler: ReturnType<typeof createDeliverHandler>;
let endpointId: string;
const tenantId = 'acme';

beforeEach(async () => {
  const tableName = `deliver-health-${++tables}`;
  await dynamo.createTable(tableName);
  const client = dynamo.client;
  now = T;
  subscriptions = new DynamoSubscriptionStore({ client, tableName });
  health = new DynamoEndpointHealth({ client, tableName });
  events = new DynamoOperationalEvents({ client, tableName });
  settled = [];
  await subscriptions.createTenant(
    { id: tenantId, name: 'Acme', tier: 'pooled' },
    Buffer.alloc(32, 1),
    'rk_',
  );
  endpointId = `ep_${randomUUID().slice(0, 8)}`;
  await subscriptions.createEndpoint({
    id: endpointId,
    tenantId,
    url: receiver.url,
    description: '',
    eventTypes: null,
    filter: null,
    enabled: true,
  });
  const deps: DeliverDependencies = {
    subscriptions,
    secrets: {
      activeSecrets: async (ids: readonly string[]) => new Map(ids.map((id) => [id, [SECRET]])),
    } as unknown as DeliverDependencies['secrets'],
    log: { record: async () => {} } as unknown as DeliverDependencies['log'],
    ...deliverTestDependencies(settled, () => now),
    health: { health, operationalEvents: events, disableAfterMs: 5 * DAY },
  };
  handler = createDeliverHandler(deps);
});

function deliver(attempt: number): Promise<unknown> {
  const message: DeliveryMessage = {
    eventId: randomUUID(),
    endpointId,
    tenantId,
    eventType: 'orders.created',
    body: '{"id":1}',
    transport: 'pooled',
    attempt,
    dueAt: now.getTime(),
  };
  const event = {
    Records: [
      { messageId: randomUUID(), body: JSON.stringify(message), attributes: {}, messageAttributes: {} },
    ],
  } as unknown as SQSEvent;
  return handler(event);
}

const recorded = () => events.list({ tenantId }, { limit: 50, after: null });

describe('the deliver Lambda records endpoint health and operational events', () => {
  it('410 disables the endpoint and records endpoint.disabled (and no exhausted event)', async () => {
    receiver.respondWithStatuses(410);
    await deliver(1);
    expect(settled.map((s) => s.kind)).toEqual(['dead']);
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({
      enabled: false,
      disabledReason: expect.stringMatching(/410/),
    });
    expect(await recorded()).toEqual([
      expect.objectContaining({
        type: OPERATIONAL_EVENT_TYPES.endpointDisabled,
        endpointId,
        occurredAt: T,
        data: { trigger: 'gone', reason: expect.stringMatching(/410/) },
      }),
    ]);
  });

  it('the last attempt failing records message.attempt.exhausted', async () => {
    receiver.respondWithStatuses(500);
    await deliver(3);
    expect(settled.map((s) => s.kind)).toEqual(['dead']);
    const [event] = await recorded();
    expect(event).toMatchObject({
      type: OPERATIONAL_EVENT_TYPES.attemptExhausted,
      data: { attempts: 3, lastStatus: 500, eventType: 'orders.created' },
    });
  });

  it('failing since T, a failure at T+5d disables the endpoint with endpoint.disabled', async () => {
    receiver.respondWithStatuses(503);
    await deliver(1);
    expect((await health.read([{ tenantId, endpointId }])).get(endpointId)?.state).toEqual({
      failingSince: T,
      consecutiveFailures: 1,
    });
    now = new Date(T.getTime() + 5 * DAY);
    await deliver(1);
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({ enabled: false });
    expect(await recorded()).toEqual([
      expect.objectContaining({
        type: OPERATIONAL_EVENT_TYPES.endpointDisabled,
        data: expect.objectContaining({
          trigger: 'automatic',
          failingSince: T.toISOString(),
          failedAttempts: 2,
        }),
      }),
    ]);
  });

  it('a success after a run of failures records endpoint.recovered and clears the run', async () => {
    const ref = { tenantId, endpointId };
    expect(await health.replace(ref, HEALTHY, { failingSince: T, consecutiveFailures: 3 })).toBe(true);
    now = new Date(T.getTime() + DAY);
    receiver.respondWithStatuses(200);
    await deliver(2);
    expect(settled.map((s) => s.kind)).toEqual(['delivered']);
    expect((await health.read([ref])).get(endpointId)?.state).toEqual(HEALTHY);
    expect(await recorded()).toEqual([
      expect.objectContaining({
        type: OPERATIONAL_EVENT_TYPES.endpointRecovered,
        data: { failingSince: T.toISOString(), failedAttempts: 3 },
      }),
    ]);
  });
});
