import { randomUUID } from 'node:crypto';
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import {
  type DeliveryMessage,
  parseDeliveryMessage,
  toClaimedDelivery,
} from '../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoDeadLetters } from '../../functions/adapters/aws/dynamo/DynamoDeadLetters.ts';
import { DynamoDeliveryLog } from '../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import type { EventTypeLookup } from '../../functions/adapters/aws/dynamo/EventTypeLookup.ts';
import { SqsDeliverySettler } from '../../functions/adapters/aws/SqsDeliverySettler.ts';
import { sqsDeliverySender } from '../../functions/handlers/wiring/deadLetters.ts';
import type { ClaimedDelivery } from '../../functions/ports/DeliveryQueue.ts';
import { useDynaliteTables } from '../support/dynalite.ts';
import { type EventSeeder, seedThroughPorts } from './contractSupport.ts';
import { type DeadLetterSeeder, deadLettersContract, type RedeliveryProbe } from './DeadLettersContract.ts';
import { deadLetterViewsContract } from './DeadLetterViewsContract.ts';
import { deliveryLogContract } from './DeliveryLogContract.ts';
import { deliveryLogViewsContract } from './DeliveryLogViewsContract.ts';
import { subscriptionStoreContract } from './SubscriptionStoreContract.ts';

// One dynalite for the file; every context gets a fresh, empty table (the contracts require it).
const { freshTable } = useDynaliteTables('rowhook-contract');

/**
 * On AWS the events live in Aurora's outbox, not in DynamoDB: this stands in for it, as the
 * seeder (writes events) and as the log's EventTypeLookup (reads their types).
 */
function inMemoryOutbox(): EventSeeder & EventTypeLookup {
  const types = new Map<string, string>();
  return {
    async event({ type }) {
      const id = randomUUID();
      types.set(id, type);
      return id;
    },
    async eventTypes(ids) {
      return new Map(ids.flatMap((id) => (types.has(id) ? [[id, types.get(id) as string] as const] : [])));
    },
  };
}

subscriptionStoreContract('DynamoSubscriptionStore', async () => {
  const { client, tableName, cleanup } = await freshTable();
  return { store: new DynamoSubscriptionStore({ client, tableName }), cleanup };
});

deliveryLogContract('DynamoDeliveryLog', async () => {
  const { client, tableName, cleanup } = await freshTable();
  const outbox = inMemoryOutbox();
  const log = new DynamoDeliveryLog({
    client,
    tableName,
    retentionMs: 30 * 24 * 3600_000,
    eventTypes: outbox,
  });
  return { log, seed: outbox, cleanup };
});

deliveryLogViewsContract('DynamoDeliveryLog', async () => {
  const { client, tableName, cleanup } = await freshTable();
  const outbox = inMemoryOutbox();
  const log = new DynamoDeliveryLog({
    client,
    tableName,
    retentionMs: 30 * 24 * 3600_000,
    eventTypes: outbox,
  });
  // Endpoints in the same table: the tail finds a tenant's attempts through its endpoints.
  const endpoints = seedThroughPorts({
    subscriptions: new DynamoSubscriptionStore({ client, tableName }),
    outbox: { append: async () => randomUUID() },
  });
  return { log, seed: { event: outbox.event, endpoint: endpoints.endpoint }, cleanup };
});

const DELIVERY_QUEUE = 'https://sqs.test/deliveries';
const DEAD_LETTER_QUEUE = 'https://sqs.test/dead-letters';

/**
 * Stands in for SQS: keeps every SendMessage per queue URL, as the real settler and the API's
 * redrive sender (the same wiring code the Lambdas use) send them.
 */
function fakeSqs() {
  const queues = new Map<string, { body: string; delaySeconds: number }[]>();
  let received = 0;
  const client = {
    async send(command: SendMessageCommand) {
      const { QueueUrl, MessageBody, DelaySeconds } = command.input;
      const queue = queues.get(QueueUrl ?? '') ?? [];
      queue.push({ body: MessageBody ?? '', delaySeconds: DelaySeconds ?? 0 });
      queues.set(QueueUrl ?? '', queue);
      return { MessageId: randomUUID() };
    },
  } as unknown as SQSClient;
  return {
    client,
    /** Receives every message due now from a queue, as the deliver Lambda's event source would. */
    receiveDue(url: string, now = Date.now()): ClaimedDelivery[] {
      const queue = queues.get(url) ?? [];
      const due = queue.filter(({ body, delaySeconds }) => {
        const message = parseDeliveryMessage(body);
        return delaySeconds === 0 && (message.dueAt ?? 0) <= now;
      });
      queues.set(
        url,
        queue.filter((entry) => !due.includes(entry)),
      );
      return due.map(({ body }) => toClaimedDelivery(parseDeliveryMessage(body), `receipt-${++received}`));
    },
    count: (url: string) => queues.get(url)?.length ?? 0,
  };
}

/** Dynamo dead letters as the API and the deliver Lambda see them (both contracts run on it). */
async function dynamoDeadLetters() {
  const { client, tableName, cleanup } = await freshTable();
  const sqs = fakeSqs();
  const deadLetters = new DynamoDeadLetters({
    client,
    tableName,
    sender: sqsDeliverySender(sqs.client, DELIVERY_QUEUE),
  });
  // The deliver Lambda's side: its settler records through a recorder-only instance, as wired.
  const settler = new SqsDeliverySettler(sqs.client, {
    deliveryQueueUrl: DELIVERY_QUEUE,
    deadLetterQueueUrl: DEAD_LETTER_QUEUE,
    recorder: new DynamoDeadLetters({ client, tableName }),
  });
  const endpoints = seedThroughPorts({
    subscriptions: new DynamoSubscriptionStore({ client, tableName }),
    outbox: { append: async () => randomUUID() },
  });
  /** A delivery as the deliver Lambda receives it for `attempt`, of a new event. */
  const received = (
    spec: { tenantId: string; endpointId: string; type: string; body: string },
    attempt = 1,
  ) => {
    const message: DeliveryMessage = {
      eventId: randomUUID(),
      endpointId: spec.endpointId,
      tenantId: spec.tenantId,
      eventType: spec.type,
      body: spec.body,
      transport: 'pooled',
      attempt,
    };
    return toClaimedDelivery(message, `receipt-${randomUUID()}`);
  };

  const seed: DeadLetterSeeder = {
    endpoint: (tenantId, endpointId) => endpoints.endpoint(tenantId, endpointId),
    async deadLetters(specs) {
      const dlqBefore = sqs.count(DEAD_LETTER_QUEUE);
      const given = specs.map((spec) => ({ spec, delivery: received(spec, spec.attempts) }));
      await settler.settle(
        given.map(({ spec, delivery }) => ({
          delivery,
          kind: 'dead',
          status: spec.lastStatus,
          error: spec.lastError,
        })),
      );
      expect(sqs.count(DEAD_LETTER_QUEUE) - dlqBefore).toBe(specs.length);
      return given.map(({ delivery }) => delivery.eventId);
    },
    async liveDeliveries(tenantId, endpointIds) {
      const spec = (endpointId: string) => ({ tenantId, endpointId, type: 'order.created', body: '{}' });
      const delivered = received(spec(endpointIds.delivered));
      const discarded = received(spec(endpointIds.discarded));
      const failedOnce = received(spec(endpointIds.pending));
      await settler.settle([
        { delivery: delivered, kind: 'delivered', status: 200 },
        { delivery: discarded, kind: 'discarded', error: 'endpoint was deleted' },
        { delivery: failedOnce, kind: 'retry', delayMs: 0, status: 503, error: 'HTTP 503' },
      ]);
      return { pending: { ...failedOnce, attempt: 2 }, delivered, discarded };
    },
  };
  const deliveries: RedeliveryProbe = {
    takeDue: async () => sqs.receiveDue(DELIVERY_QUEUE),
    giveUp: async (delivery, status, error) => {
      await settler.settle([{ delivery, kind: 'dead', status, error }]);
    },
  };
  return { deadLetters, seed, deliveries, cleanup };
}

deadLettersContract('DynamoDeadLetters', dynamoDeadLetters, {
  leases: {
    unsupported:
      'an SQS message stays invisible for longer than the deliver Lambda may run, so no attempt reports after another has started',
  },
});
deadLetterViewsContract('DynamoDeadLetters', dynamoDeadLetters);
