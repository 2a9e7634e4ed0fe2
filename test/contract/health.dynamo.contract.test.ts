import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoEndpointHealth } from '../../functions/adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { operationalEventKey } from '../../functions/adapters/aws/dynamo/keys.ts';
import { useDynaliteTables } from '../support/dynalite.ts';
import { seedThroughPorts } from './contractSupport.ts';
import { endpointHealthContract } from './EndpointHealthContract.ts';
import { operationalEventsContract } from './OperationalEventsContract.ts';

const { freshTable } = useDynaliteTables('rowhook-health');

endpointHealthContract('DynamoEndpointHealth', async () => {
  const { client, tableName, cleanup } = await freshTable();
  const subscriptions = new DynamoSubscriptionStore({ client, tableName });
  return {
    health: new DynamoEndpointHealth({ client, tableName }),
    subscriptions,
    seed: seedThroughPorts({ subscriptions, outbox: { append: async () => '' } }),
    cleanup,
  };
});

operationalEventsContract('DynamoOperationalEvents', async () => {
  const { client, tableName, cleanup } = await freshTable();
  return { events: new DynamoOperationalEvents({ client, tableName }), cleanup };
});

describe('DynamoOperationalEvents retention', () => {
  it('gives each event item a DynamoDB TTL (expiresAt, epoch seconds) the retention after it occurred', async () => {
    const { client, tableName, cleanup } = await freshTable();
    try {
      const events = new DynamoOperationalEvents({ client, tableName, retentionMs: 30 * 86_400_000 });
      const occurredAt = new Date('2026-12-01T10:00:00.500Z');
      await events.record([
        { id: 'oe_ttl', type: 'endpoint.disabled', tenantId: 't', endpointId: 'ep_1', occurredAt, data: {} },
      ]);
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: operationalEventKey('oe_ttl') }),
      );
      expect(Item?.expiresAt).toBe(Math.ceil((occurredAt.getTime() + 30 * 86_400_000) / 1000));
    } finally {
      await cleanup();
    }
  });
});
