import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoOperationalEvents } from '../../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import {
  operatorDelivery,
  PublishingOperationalEvents,
} from '../../../functions/adapters/aws/PublishingOperationalEvents.ts';
import { OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import type { OperationalEvent } from '../../../functions/core/health/OperationalEvent.ts';
import { InvalidHandlerConfigError } from '../../../functions/handlers/config.ts';
import { deliverOperationalEvents } from '../../../functions/handlers/wiring/operatorEvents.ts';
import type { EnqueueResult, NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import type { OperationalEvents } from '../../../functions/ports/OperationalEvents.ts';

const event = (id: string, tenantId = 'acme'): OperationalEvent => ({
  id,
  type: 'endpoint.recovered',
  occurredAt: new Date('2026-11-01T00:00:00Z'),
  tenantId,
  endpointId: 'ep_1',
  data: { failedAttempts: 3 },
});
const ID = `oev_${'0123456789abcdef'.repeat(2)}`;

function harness(enqueue: (d: readonly NewDelivery[]) => Promise<EnqueueResult>, withFallback = true) {
  const recorded: OperationalEvent[] = [];
  const fallen: NewDelivery[] = [];
  const recorder: OperationalEvents = {
    record: async (events) => void recorded.push(...events),
    list: async () => recorded,
  };
  const events = new PublishingOperationalEvents({
    recorder,
    publisher: { enqueue },
    ...(withFallback ? { fallback: async (d: readonly NewDelivery[]) => void fallen.push(...d) } : {}),
  });
  return { events, recorded, fallen };
}

describe('PublishingOperationalEvents', () => {
  it('records, then publishes one delivery per event to the operator endpoint', async () => {
    const enqueue = vi.fn(async (d: readonly NewDelivery[]) => ({ enqueued: d.length, rejected: [] }));
    const { events, recorded, fallen } = harness(enqueue);
    await events.record([event(ID)]);
    expect(recorded.map((e) => e.id)).toEqual([ID]);
    expect(enqueue).toHaveBeenCalledWith([operatorDelivery(event(ID))]);
    expect(operatorDelivery(event(ID))).toEqual({
      eventId: '01234567-89ab-cdef-0123-456789abcdef',
      endpointId: OPERATOR_ENDPOINT.endpointId,
      tenantId: OPERATOR_ENDPOINT.tenantId,
      eventType: 'endpoint.recovered',
      body: JSON.stringify({
        type: 'endpoint.recovered',
        timestamp: '2026-11-01T00:00:00.000Z',
        data: { tenantId: 'acme', endpointId: 'ep_1', failedAttempts: 3 },
      }),
    });
    expect(fallen).toEqual([]);
  });

  it('records but never publishes an event about the operator tenant', async () => {
    const enqueue = vi.fn(async () => ({ enqueued: 0, rejected: [] }));
    const { events, recorded } = harness(enqueue);
    await events.record([event(ID, OPERATOR_ENDPOINT.tenantId)]);
    expect(recorded).toHaveLength(1);
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('sends entries the bus refused through the fallback', async () => {
    const { events, fallen } = harness(async (d) => ({
      enqueued: 0,
      rejected: d.map((x) => ({ eventId: x.eventId, endpointId: x.endpointId, reason: 'InvalidArgument' })),
    }));
    await events.record([event(ID)]);
    expect(fallen).toEqual([operatorDelivery(event(ID))]);
  });

  it('without a fallback, a failed publish fails the call (after recording)', async () => {
    const { events, recorded } = harness(async () => {
      throw new Error('bus down');
    }, false);
    await expect(events.record([event(ID)])).rejects.toThrow('bus down');
    expect(recorded).toHaveLength(1);
  });

  it('refuses an id that is not an operational event id', () => {
    expect(() => operatorDelivery(event('evt_123'))).toThrow(/not an operational event id/);
  });
});

describe('deliverOperationalEvents (deliver wiring)', () => {
  beforeEach(() => {
    vi.stubEnv('ROWHOOK_TABLE_NAME', 'rowhook-test');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  it('only records when no operator webhook is configured', () => {
    expect(deliverOperationalEvents(logger, {})).toBeInstanceOf(DynamoOperationalEvents);
  });

  it('publishes when ROWHOOK_OPERATOR_WEBHOOK=enabled, and needs the bus and queue for it', () => {
    const enabled = { ROWHOOK_OPERATOR_WEBHOOK: 'enabled' };
    expect(() => deliverOperationalEvents(logger, enabled)).toThrow(InvalidHandlerConfigError);
    expect(
      deliverOperationalEvents(logger, {
        ...enabled,
        ROWHOOK_EVENT_BUS_NAME: 'rowhook-test',
        ROWHOOK_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
      }),
    ).toBeInstanceOf(PublishingOperationalEvents);
  });
});
