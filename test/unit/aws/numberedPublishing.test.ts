import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { RdsDataDeliverySequences } from '../../../functions/adapters/aws/RdsDataDeliverySequences.ts';
import { numberedPublisher } from '../../../functions/pipeline/numberedPublisher.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';

const rds = mockClient(RDSDataClient);
const eventBridge = mockClient(EventBridgeClient);
const TARGET = {
  resourceArn: 'arn:aws:rds:eu-west-1:1:cluster:c',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:master',
  database: 'rowhook',
};
const E1 = '0190f0f0-0000-7000-8000-000000000001';
const E2 = '0190f0f0-0000-7000-8000-000000000002';
const delivery = (eventId: string, endpointId: string): NewDelivery => ({
  eventId,
  endpointId,
  tenantId: 'acme',
  eventType: 'orders.insert',
  body: '{"n":1}',
});

function wired() {
  const sequences = new RdsDataDeliverySequences(new RDSDataClient({ region: 'eu-west-1' }), TARGET);
  const bus = new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
    eventBusName: 'rowhook-test',
    sleep: async () => {},
  });
  return numberedPublisher(sequences, bus);
}

beforeEach(() => {
  rds.reset();
  eventBridge.reset();
});

describe('numbered publishing on AWS', () => {
  it('numbers in one statement of its own (no transaction id: committed when it answers), before PutEvents, and carries the number in the entry', async () => {
    const order: string[] = [];
    rds.on(ExecuteStatementCommand).callsFake(() => {
      order.push('number');
      return {
        formattedRecords: JSON.stringify([
          { event_id: E1, endpoint_id: 'ep_a', sequence: 7 },
          { event_id: E2, endpoint_id: 'ep_a', sequence: 8 },
        ]),
      };
    });
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      order.push('publish');
      return {
        FailedEntryCount: 0,
        Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })),
      };
    });
    await wired().enqueue([delivery(E1, 'ep_a'), delivery(E2, 'ep_a')]);

    expect(order).toEqual(['number', 'publish']);
    const [call] = rds.commandCalls(ExecuteStatementCommand);
    const input = call?.args[0].input;
    expect(input).not.toHaveProperty('transactionId');
    expect(input).toMatchObject({ ...TARGET, formatRecordsAs: 'JSON' });
    expect(input?.sql).toContain('rowhook.assign_delivery_sequences(cast(:pairs as json))');
    // The relay's order is the numbering order of new pairs.
    expect(JSON.parse(input?.parameters?.[0]?.value?.stringValue ?? '')).toEqual([
      { event_id: E1, endpoint_id: 'ep_a', tenant_id: 'acme' },
      { event_id: E2, endpoint_id: 'ep_a', tenant_id: 'acme' },
    ]);
    const entries = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => parseDeliveryMessage(e.Detail ?? '').sequence)).toEqual([7, 8]);
  });

  it('publishes nothing when numbering fails, or when a delivery came back without a number', async () => {
    rds
      .on(ExecuteStatementCommand)
      .rejects(Object.assign(new Error('cluster resuming'), { name: 'DatabaseResumingException' }));
    await expect(wired().enqueue([delivery(E1, 'ep_a')])).rejects.toThrow(AwsAdapterError);
    rds.on(ExecuteStatementCommand).resolves({
      formattedRecords: JSON.stringify([{ event_id: E1, endpoint_id: 'ep_a', sequence: 1 }]),
    });
    await expect(wired().enqueue([delivery(E1, 'ep_a'), delivery(E2, 'ep_a')])).rejects.toThrow(
      new RegExp(`no sequence for event ${E2}, endpoint ep_a`),
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
