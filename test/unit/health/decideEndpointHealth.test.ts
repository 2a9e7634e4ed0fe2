import { describe, expect, it } from 'vitest';
import { ENDPOINT_HEALTH } from '../../../functions/core/health/constants.ts';
import { decideEndpointHealth } from '../../../functions/core/health/decideEndpointHealth.ts';
import { HEALTHY } from '../../../functions/core/health/EndpointHealthState.ts';

const S = 1_000;
const D = 86_400_000;
const FIVE_DAYS = 5 * D;
const T = new Date('2026-11-01T00:00:00.000Z');
const at = (ms: number) => new Date(T.getTime() + ms);
const fail = (ms: number) => ({ succeeded: false, at: at(ms) });
const ok = (ms: number) => ({ succeeded: true, at: at(ms) });

describe('decideEndpointHealth', () => {
  it('a first failure starts a run at its own start time and disables nothing', () => {
    expect(decideEndpointHealth(HEALTHY, [fail(0)], FIVE_DAYS)).toEqual({
      state: { failingSince: T, consecutiveFailures: 1 },
      transitions: [],
    });
  });

  it('failing since T, an attempt that fails at T+5d disables the endpoint', () => {
    const decision = decideEndpointHealth(
      { failingSince: T, consecutiveFailures: 7 },
      [fail(FIVE_DAYS)],
      FIVE_DAYS,
    );
    expect(decision.state).toEqual({ failingSince: T, consecutiveFailures: 8 });
    expect(decision.transitions).toEqual([
      {
        kind: 'disable',
        failingSince: T,
        failedAttempts: 8,
        at: at(FIVE_DAYS),
        reason: expect.stringMatching(/since 2026-11-01T00:00:00\.000Z \(8 failed attempts in a row.*5d\)/),
      },
    ]);
  });

  it('one millisecond short of the period does not disable', () => {
    const decision = decideEndpointHealth(
      { failingSince: T, consecutiveFailures: 7 },
      [fail(FIVE_DAYS - 1)],
      FIVE_DAYS,
    );
    expect(decision.transitions).toEqual([]);
    expect(decision.state.consecutiveFailures).toBe(8);
  });

  it('a success at T+4d clears the run, so a failure at T+5d starts a new one instead of disabling', () => {
    const decision = decideEndpointHealth(
      { failingSince: T, consecutiveFailures: 1 },
      [ok(4 * D), fail(FIVE_DAYS)],
      FIVE_DAYS,
    );
    expect(decision).toEqual({
      state: { failingSince: at(FIVE_DAYS), consecutiveFailures: 1 },
      transitions: [],
    });
  });

  it(`a success after ${ENDPOINT_HEALTH.recoveredAfterFailures} failures in a row reports the recovery`, () => {
    const decision = decideEndpointHealth(
      HEALTHY,
      [fail(0), fail(5 * S), fail(10 * S), ok(20 * S)],
      FIVE_DAYS,
    );
    expect(decision).toEqual({
      state: HEALTHY,
      transitions: [{ kind: 'recovered', failingSince: T, failedAttempts: 3, at: at(20 * S) }],
    });
  });

  it('a success after a single stray failure is not a recovery worth reporting', () => {
    expect(decideEndpointHealth(HEALTHY, [fail(0), ok(S)], FIVE_DAYS)).toEqual({
      state: HEALTHY,
      transitions: [],
    });
  });

  it('outcomes settled out of order are read in the order the attempts started', () => {
    // The success started last, so the endpoint ends healthy despite the failure settling after it.
    const decision = decideEndpointHealth(
      { failingSince: T, consecutiveFailures: 3 },
      [ok(2 * S), fail(S)],
      FIVE_DAYS,
    );
    expect(decision.state).toEqual(HEALTHY);
    expect(decision.transitions).toEqual([
      { kind: 'recovered', failingSince: T, failedAttempts: 4, at: at(2 * S) },
    ]);
  });

  it('a recovery and a new run that reaches the period in one batch report both, and stop at the disable', () => {
    const decision = decideEndpointHealth(
      { failingSince: T, consecutiveFailures: 3 },
      [ok(S), fail(2 * S), fail(2 * S + FIVE_DAYS), fail(3 * S + FIVE_DAYS)],
      FIVE_DAYS,
    );
    expect(decision.transitions.map((t) => t.kind)).toEqual(['recovered', 'disable']);
    expect(decision.state).toEqual({ failingSince: at(2 * S), consecutiveFailures: 2 });
  });

  it('successes on a healthy endpoint change nothing', () => {
    expect(decideEndpointHealth(HEALTHY, [ok(0), ok(S)], FIVE_DAYS)).toEqual({
      state: HEALTHY,
      transitions: [],
    });
  });
});
