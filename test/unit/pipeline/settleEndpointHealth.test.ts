import { describe, expect, it } from 'vitest';
import { OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import {
  type EndpointHealthState,
  HEALTHY,
  sameHealthState,
} from '../../../functions/core/health/EndpointHealthState.ts';
import type { OperationalEvent } from '../../../functions/core/health/OperationalEvent.ts';
import type { AttemptResult } from '../../../functions/pipeline/attemptDelivery.ts';
import { settleEndpointHealth } from '../../../functions/pipeline/settleEndpointHealth.ts';
import type { ClaimedDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import type { EndpointHealth, EndpointRef } from '../../../functions/ports/EndpointHealth.ts';

const DAY = 86_400_000;
const T = new Date('2026-11-01T00:00:00.000Z');
const at = (ms: number) => new Date(T.getTime() + ms);

/** In-memory EndpointHealth; `interfere` runs before each replace, as another deliverer would. */
function memoryHealth(states: Record<string, EndpointHealthState>, interfere?: (id: string) => void) {
  const enabled = new Map(Object.keys(states).map((id) => [id, true]));
  const store: EndpointHealth & { states: typeof states; enabled: typeof enabled; replaces: number } = {
    states,
    enabled,
    replaces: 0,
    async read(refs: readonly EndpointRef[]) {
      return new Map(
        refs.flatMap((r) =>
          r.endpointId in states
            ? [
                [
                  r.endpointId,
                  {
                    enabled: enabled.get(r.endpointId) ?? false,
                    state: states[r.endpointId] as EndpointHealthState,
                  },
                ],
              ]
            : [],
        ),
      );
    },
    async replace(ref, expected, next) {
      store.replaces++;
      interfere?.(ref.endpointId);
      if (!sameHealthState(states[ref.endpointId] as EndpointHealthState, expected)) return false;
      states[ref.endpointId] = next;
      return true;
    },
    async disable(ref) {
      if (!enabled.get(ref.endpointId)) return false;
      enabled.set(ref.endpointId, false);
      return true;
    },
  };
  return store;
}

function recorder() {
  const recorded: OperationalEvent[] = [];
  return {
    recorded,
    events: {
      record: async (e: readonly OperationalEvent[]) => void recorded.push(...e),
      list: async () => [],
    },
  };
}

function result(
  endpointId: string,
  kind: 'delivered' | 'retry' | 'dead',
  startedAt: Date | null,
  options: { tenantId?: string; gone?: boolean; attempt?: number } = {},
): AttemptResult {
  const tenantId = options.tenantId ?? 'acme';
  const delivery: ClaimedDelivery = {
    id: '0190f0f0-0000-7000-8000-000000000001',
    eventId: '0190f0f0-0000-7000-8000-000000000002',
    endpointId,
    tenantId,
    eventType: 'orders.created',
    body: '{}',
    attempt: options.attempt ?? 1,
    receipt: 'r',
  };
  const settlement =
    kind === 'delivered'
      ? { delivery, kind, status: 200 }
      : kind === 'retry'
        ? { delivery, kind, delayMs: 1000, status: 500, error: 'HTTP 500' }
        : {
            delivery,
            kind,
            status: options.gone ? 410 : 500,
            error: options.gone ? 'HTTP 410' : 'HTTP 500; attempts exhausted',
          };
  return {
    settlement,
    attempt: startedAt && {
      deliveryId: delivery.id,
      tenantId,
      endpointId,
      eventId: delivery.eventId,
      attempt: delivery.attempt,
      startedAt,
      webhookTimestamp: 0,
      status: settlement.status,
      latencyMs: 1,
      errorClass: kind === 'delivered' ? null : 'http',
      errorMessage: null,
      responseSnippet: null,
    },
    disableEndpoint: options.gone ? { tenantId, endpointId, reason: 'receiver answered HTTP 410' } : null,
  } as AttemptResult;
}

const context = (health: EndpointHealth, events: ReturnType<typeof recorder>['events']) => ({
  health,
  operationalEvents: events,
  disableAfterMs: 5 * DAY,
  now: () => T,
});

describe('settleEndpointHealth', () => {
  it('raises nothing about the operator endpoint, however it fails', async () => {
    const health = memoryHealth({
      [OPERATOR_ENDPOINT.endpointId]: { failingSince: T, consecutiveFailures: 50 },
    });
    const { recorded, events } = recorder();
    const op = { tenantId: OPERATOR_ENDPOINT.tenantId };
    await settleEndpointHealth(context(health, events), [
      result(OPERATOR_ENDPOINT.endpointId, 'dead', at(6 * DAY), { ...op, attempt: 8 }),
      result(OPERATOR_ENDPOINT.endpointId, 'dead', at(6 * DAY), { ...op, gone: true }),
    ]);
    expect(recorded).toEqual([]);
    expect(health.replaces).toBe(0);
    expect(health.enabled.get(OPERATOR_ENDPOINT.endpointId)).toBe(true);
  });

  it('dead letters without an attempt (endpoint already disabled) are not reported as exhausted', async () => {
    const health = memoryHealth({ ep_1: HEALTHY });
    const { recorded, events } = recorder();
    await settleEndpointHealth(context(health, events), [result('ep_1', 'dead', null)]);
    expect(recorded).toEqual([]);
  });

  it('a state changed by another deliverer meanwhile is re-read and the outcome still counted', async () => {
    let interfered = false;
    const health = memoryHealth({ ep_1: HEALTHY }, (id) => {
      if (interfered) return;
      interfered = true;
      health.states[id] = { failingSince: at(-DAY), consecutiveFailures: 1 };
    });
    const { events } = recorder();
    await settleEndpointHealth(context(health, events), [result('ep_1', 'retry', T)]);
    expect(health.states.ep_1).toEqual({ failingSince: at(-DAY), consecutiveFailures: 2 });
    expect(health.replaces).toBe(2);
  });

  it('two 410s from one endpoint in a batch raise endpoint.disabled once', async () => {
    const health = memoryHealth({ ep_1: HEALTHY });
    const { recorded, events } = recorder();
    await settleEndpointHealth(context(health, events), [
      result('ep_1', 'dead', T, { gone: true }),
      result('ep_1', 'dead', T, { gone: true }),
    ]);
    expect(recorded.map((e) => [e.type, e.data.trigger])).toEqual([['endpoint.disabled', 'gone']]);
    expect(health.replaces).toBe(0);
  });

  it('auto-disables when the batch carries the run past the period, with one event', async () => {
    const health = memoryHealth({ ep_1: { failingSince: T, consecutiveFailures: 4 } });
    const { recorded, events } = recorder();
    await settleEndpointHealth(context(health, events), [result('ep_1', 'retry', at(5 * DAY))]);
    expect(health.enabled.get('ep_1')).toBe(false);
    expect(recorded).toEqual([
      expect.objectContaining({
        type: 'endpoint.disabled',
        occurredAt: at(5 * DAY),
        data: expect.objectContaining({
          trigger: 'automatic',
          failedAttempts: 5,
          failingSince: T.toISOString(),
        }),
      }),
    ]);
  });
});
