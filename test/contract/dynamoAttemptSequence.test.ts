import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import type { AttemptRecord } from '../../functions/ports/DeliveryLog.ts';
import { useDynaliteTables } from '../support/dynalite.ts';

// The AWS attempt log keeps the sequence number the deliverer's message carried (there is no
// deliveries table to join), so the delivery log shows it as the local one does.
const { freshTable } = useDynaliteTables('rowhook-attempt-sequence');

function record(overrides: Partial<AttemptRecord>): AttemptRecord {
  return {
    deliveryId: randomUUID(),
    eventType: 'orders.insert',
    tenantId: 'acme',
    endpointId: 'ep_1',
    eventId: randomUUID(),
    attempt: 1,
    startedAt: new Date('2026-01-01T00:00:00Z'),
    webhookTimestamp: 1767225600,
    status: 200,
    latencyMs: 12,
    errorClass: null,
    errorMessage: null,
    responseSnippet: null,
    ...overrides,
  };
}

describe('DynamoDeliveryLog and sequence numbers', () => {
  it('returns the sequence recorded with an attempt, and none for an attempt recorded without one', async () => {
    const { client, tableName, cleanup } = await freshTable();
    try {
      const log = new DynamoDeliveryLog({
        client,
        tableName,
        retentionMs: 86_400_000,
        eventTypes: { eventTypes: async () => new Map() },
      });
      const numbered = record({ sequence: 42 });
      const unnumbered = record({ startedAt: new Date('2026-01-01T00:00:01Z') });
      await log.record([numbered, unnumbered]);
      expect((await log.listForDelivery(numbered.deliveryId)).map((a) => a.sequence)).toEqual([42]);
      expect((await log.listForDelivery(unnumbered.deliveryId))[0]).not.toHaveProperty('sequence');
      const page = await log.listForEndpoint('acme', 'ep_1', { limit: 10, cursor: null });
      expect(page.items.map((a) => [a.deliveryId, a.sequence])).toEqual(
        expect.arrayContaining([
          [numbered.deliveryId, 42],
          [unnumbered.deliveryId, undefined],
        ]),
      );
    } finally {
      await cleanup();
    }
  });
});
