import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryIdFor } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoDeadLetters } from '../../../functions/adapters/aws/dynamo/DynamoDeadLetters.ts';
import { DynamoDeliveryLog } from '../../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { DynamoTenantErasure } from '../../../functions/adapters/aws/dynamo/DynamoTenantErasure.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite('rowhook-erasure');
});
afterAll(async () => {
  await dynamo?.close();
});

/** Every item of the table, as JSON text, whose text holds `marker`. */
async function itemsHolding(marker: string) {
  const found: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.client.send(
      new ScanCommand({ TableName: dynamo.tableName, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const text = JSON.stringify(item, (_k, v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
      );
      if (text.includes(marker)) found.push(String(item.type));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return found.sort();
}

async function seed(tenantId: string, marker: string) {
  const log = new DynamoDeliveryLog({
    client: dynamo.client,
    tableName: dynamo.tableName,
    retentionMs: 86_400_000,
  });
  const dead = new DynamoDeadLetters({ client: dynamo.client, tableName: dynamo.tableName });
  for (let n = 0; n < 3; n += 1) {
    const eventId = randomUUID();
    const deliveryId = deliveryIdFor(eventId, 'ep_1');
    await log.record([
      {
        deliveryId,
        eventType: 'orders.created',
        tenantId,
        endpointId: 'ep_1',
        eventId,
        attempt: 1,
        startedAt: new Date(),
        webhookTimestamp: 1,
        status: 500,
        latencyMs: 3,
        errorClass: null,
        errorMessage: null,
        responseSnippet: `nope ${marker}`,
      },
    ]);
    await dead.recordFailed([
      {
        deliveryId,
        tenantId,
        endpointId: 'ep_1',
        eventId,
        eventType: 'orders.created',
        // Above the gzip threshold for one of them: the compressed copy must go too.
        body: JSON.stringify({ data: { note: marker, pad: n === 0 ? 'x'.repeat(40_000) : '' } }),
        failedAt: new Date(),
        attempts: 1,
        lastStatus: 500,
        lastError: 'HTTP 500',
      },
    ]);
  }
  return dead;
}

describe('DynamoTenantErasure (dynalite)', () => {
  it("removes one tenant's response bodies and dead-letter bodies, discards its open dead letters, leaves others", async () => {
    const marker = 'MARKER-dyn-31f0';
    const other = 'MARKER-dyn-keep-77';
    const dead = await seed('erase-me', marker);
    await seed('keep-me', other);
    // Positive control: the search sees both kinds of item (the gzipped body is binary, so only
    // the plain ones show the marker as text).
    expect(await itemsHolding(marker)).toEqual(['attempt', 'attempt', 'attempt', 'failed', 'failed']);

    const counts = await new DynamoTenantErasure(dynamo.client, dynamo.tableName).erase('erase-me');
    expect(counts).toEqual({ attempts: 3, deadLetters: 3 });
    expect(await itemsHolding(marker)).toEqual([]);
    expect(await itemsHolding(other)).toEqual(['attempt', 'attempt', 'attempt', 'failed', 'failed']);

    const open = await dead.list({}, { limit: 50, cursor: null });
    expect(open.items.map((d) => d.tenantId)).toEqual(['keep-me', 'keep-me', 'keep-me']);
    const page = await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName }));
    const erased = (page.Items ?? []).filter((i) => i.tenantId === 'erase-me');
    // Counts and metadata stay: 3 attempts and 3 dead letters, with their statuses.
    expect(erased.filter((i) => i.type === 'attempt').map((i) => i.status)).toEqual([500, 500, 500]);
    const failed = erased.filter((i) => i.type === 'failed');
    expect(failed.map((i) => [i.state, i.bodyGzip, i.body])).toEqual([
      ['discarded', undefined, undefined],
      ['discarded', undefined, undefined],
      ['discarded', undefined, undefined],
    ]);
  });
});
