import { DISABLE_TRIGGERS, OPERATIONAL_EVENT_TYPES, OPERATOR_ENDPOINT } from '../core/health/constants.ts';
import { type AttemptOutcome, decideEndpointHealth } from '../core/health/decideEndpointHealth.ts';
import { sameHealthState } from '../core/health/EndpointHealthState.ts';
import { newOperationalEventId, type OperationalEvent } from '../core/health/OperationalEvent.ts';
import { ID_PREFIXES } from '../core/ids/constants.ts';
import { toPublicId } from '../core/ids/prefixedId.ts';
import type { EndpointHealth, EndpointRef, StoredEndpointHealth } from '../ports/EndpointHealth.ts';
import type { OperationalEvents } from '../ports/OperationalEvents.ts';
import type { AttemptResult } from './attemptDelivery.ts';

export interface HealthContext {
  health: EndpointHealth;
  operationalEvents: OperationalEvents;
  /** ROWHOOK_DISABLE_AFTER: continuous failure for this long disables an endpoint. */
  disableAfterMs: number;
  /** Time of the decisions that have no attempt of their own (a 410's disable). */
  now: () => Date;
}

/** Concurrent deliverers racing on one endpoint's state: re-read and re-decide this many times. */
const MAX_STATE_RACES = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * After a batch of attempts is settled: disables endpoints that answered 410, applies the
 * auto-disable rule to every endpoint's run of failures, and records the operational events that
 * follow. The operator endpoint is left out entirely: events about its failures would feed back
 * into the channel that is failing, and it is not disabled either, as configuration manages it.
 */
export async function settleEndpointHealth(
  context: HealthContext,
  results: readonly AttemptResult[],
): Promise<void> {
  const tracked = results.filter((r) => r.settlement.delivery.tenantId !== OPERATOR_ENDPOINT.tenantId);
  const events: OperationalEvent[] = [];
  const gone = new Set<string>();

  for (const r of tracked) {
    if (!r.disableEndpoint) continue;
    const { tenantId, endpointId, reason } = r.disableEndpoint;
    gone.add(endpointId);
    if (await context.health.disable({ tenantId, endpointId }, reason)) {
      const at = r.attempt?.startedAt ?? context.now();
      events.push(
        event(OPERATIONAL_EVENT_TYPES.endpointDisabled, { tenantId, endpointId }, at, {
          trigger: DISABLE_TRIGGERS.gone,
          reason,
        }),
      );
    }
  }

  for (const r of tracked) {
    const { settlement, attempt } = r;
    // Only deliveries whose attempts ran out or met a permanent failure; those dead-lettered
    // because the endpoint was already disabled would flood operators with one event each.
    if (settlement.kind !== 'dead' || !attempt || r.disableEndpoint) continue;
    const d = settlement.delivery;
    events.push(
      event(OPERATIONAL_EVENT_TYPES.attemptExhausted, d, attempt.startedAt, {
        deliveryId: UUID.test(d.id) ? toPublicId(ID_PREFIXES.delivery, d.id) : d.id,
        eventId: toPublicId(ID_PREFIXES.event, d.eventId),
        eventType: d.eventType,
        attempts: d.attempt,
        lastStatus: settlement.status,
        reason: settlement.error,
      }),
    );
  }

  const outcomes = new Map<string, { ref: EndpointRef; outcomes: AttemptOutcome[] }>();
  for (const { settlement, attempt } of tracked) {
    if (!attempt || gone.has(attempt.endpointId)) continue;
    const entry = outcomes.get(attempt.endpointId) ?? {
      ref: { tenantId: attempt.tenantId, endpointId: attempt.endpointId },
      outcomes: [],
    };
    entry.outcomes.push({ succeeded: settlement.kind === 'delivered', at: attempt.startedAt });
    outcomes.set(attempt.endpointId, entry);
  }
  // One read for the whole batch: in the steady state (healthy endpoints, successes) that is all.
  const entries = [...outcomes.values()];
  const stored = await context.health.read(entries.map((e) => e.ref));
  for (const { ref, outcomes: list } of entries) {
    events.push(...(await applyRule(context, ref, list, stored.get(ref.endpointId))));
  }

  await context.operationalEvents.record(events);
}

async function applyRule(
  context: HealthContext,
  ref: EndpointRef,
  outcomes: AttemptOutcome[],
  firstRead: StoredEndpointHealth | undefined,
): Promise<OperationalEvent[]> {
  for (let race = 0; race < MAX_STATE_RACES; race++) {
    const stored = race === 0 ? firstRead : (await context.health.read([ref])).get(ref.endpointId);
    // Gone, or disabled meanwhile: attempts that started before cannot judge it any more.
    if (!stored?.enabled) return [];
    const decision = decideEndpointHealth(stored.state, outcomes, context.disableAfterMs);
    if (
      !sameHealthState(stored.state, decision.state) &&
      !(await context.health.replace(ref, stored.state, decision.state))
    ) {
      continue;
    }
    const events: OperationalEvent[] = [];
    for (const transition of decision.transitions) {
      if (transition.kind === 'recovered') {
        events.push(
          event(OPERATIONAL_EVENT_TYPES.endpointRecovered, ref, transition.at, {
            failingSince: transition.failingSince.toISOString(),
            failedAttempts: transition.failedAttempts,
          }),
        );
      } else if (await context.health.disable(ref, transition.reason)) {
        events.push(
          event(OPERATIONAL_EVENT_TYPES.endpointDisabled, ref, transition.at, {
            trigger: DISABLE_TRIGGERS.automatic,
            reason: transition.reason,
            failingSince: transition.failingSince.toISOString(),
            failedAttempts: transition.failedAttempts,
          }),
        );
      }
    }
    return events;
  }
  throw new Error(
    `endpoint ${ref.endpointId}: its health state kept changing under us; outcomes not counted`,
  );
}

function event(
  type: OperationalEvent['type'],
  ref: EndpointRef,
  at: Date,
  data: Record<string, unknown>,
): OperationalEvent {
  return { id: newOperationalEventId(at), type, occurredAt: at, ...pick(ref), data };
}

const pick = (ref: EndpointRef) => ({ tenantId: ref.tenantId, endpointId: ref.endpointId });
