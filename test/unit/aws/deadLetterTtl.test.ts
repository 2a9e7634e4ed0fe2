import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryIdFor } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoDeadLetters } from '../../../functions/adapters/aws/dynamo/DynamoDeadLetters.ts';
import { failedKey } from '../../../functions/adapters/aws/dynamo/failedItems.ts';
import { TTL_ATTRIBUTE } from '../../../functions/adapters/aws/dynamo/tableDesign.ts';
import type { FailedDelivery } from '../../../functions/adapters/aws/FailedDeliveryRecorder.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite('rowhook-dead-ttl');
});
afterAll(async () => {
  await dynamo?.close();
});

const NOW = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const sent: unknown[] = [];
const store = (resolvedRetentionMs?: number) =>
  new DynamoDeadLetters({
    client: dynamo.client,
    tableName: dynamo.tableName,
    sender: { send: async (message) => void sent.push(message) },
    now: () => NOW,
    ...(resolvedRetentionMs === undefined ? {} : { resolvedRetentionMs }),
  });

function failure(): FailedDelivery {
  const eventId = randomUUID();
  return {
    deliveryId: deliveryIdFor(eventId, 'ep_1'),
    tenantId: 'acme',
    endpointId: 'ep_1',
    eventId,
    eventType: 'orders.created',
    body: '{}',
    failedAt: NOW,
    attempts: 3,
    lastStatus: 500,
    lastError: 'HTTP 500',
  };
}

const expiresAt = async (deliveryId: string) =>
  (await dynamo.client.send(new GetCommand({ TableName: dynamo.tableName, Key: failedKey(deliveryId) })))
    .Item?.[TTL_ATTRIBUTE];

describe('DynamoDB TTL on dead-letter items (dynalite)', () => {
  it('gives a redriven or discarded dead letter expiresAt = now + the retention; an open one none', async () => {
    const deadLetters = store(30 * DAY);
    const [open, redriven, discarded] = [failure(), failure(), failure()];
    await deadLetters.recordFailed([open, redriven, discarded]);
    expect(await deadLetters.redrive(redriven.deliveryId)).toBe(true);
    expect(await deadLetters.discard(discarded.deliveryId)).toBe(true);
    const expected = Math.ceil((NOW.getTime() + 30 * DAY) / 1000);
    expect(await expiresAt(open.deliveryId)).toBeUndefined();
    expect(await expiresAt(redriven.deliveryId)).toBe(expected);
    expect(await expiresAt(discarded.deliveryId)).toBe(expected);
    // Failing again after the redrive makes it open again: the new record carries no TTL.
    await deadLetters.recordFailed([redriven]);
    expect(await expiresAt(redriven.deliveryId)).toBeUndefined();
  });

  it('sets none without a retention (kept until deleted)', async () => {
    const deadLetters = store();
    const one = failure();
    await deadLetters.recordFailed([one]);
    expect(await deadLetters.discard(one.deliveryId)).toBe(true);
    expect(await expiresAt(one.deliveryId)).toBeUndefined();
  });
});
