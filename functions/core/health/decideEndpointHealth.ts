import { ENDPOINT_HEALTH } from './constants.ts';
import { type EndpointHealthState, HEALTHY } from './EndpointHealthState.ts';

export interface AttemptOutcome {
  succeeded: boolean;
  /** When the attempt started. */
  at: Date;
}

export type HealthTransition =
  | { kind: 'recovered'; failingSince: Date; failedAttempts: number; at: Date }
  | { kind: 'disable'; failingSince: Date; failedAttempts: number; at: Date; reason: string };

export interface HealthDecision {
  state: EndpointHealthState;
  /** What the outcomes changed, in the order they happened (a disable is always last). */
  transitions: HealthTransition[];
}

/**
 * The auto-disable and recovery rule. Any success ends a run of failures (and, if the run was long
 * enough, reports the recovery); a failure starts a run or extends it, and once the run has lasted
 * `disableAfterMs` (measured between attempt start times, so an endpoint that is rarely sent to is
 * judged by the same clock) the endpoint is to be disabled. `outcomes` are one endpoint's attempts;
 * after a `disable` the later ones are ignored, as the endpoint takes no more.
 */
export function decideEndpointHealth(
  state: EndpointHealthState,
  outcomes: readonly AttemptOutcome[],
  disableAfterMs: number,
): HealthDecision {
  let current = state;
  const transitions: HealthTransition[] = [];
  // Concurrent attempts can settle out of order; the rule reads them in the order they started.
  const ordered = [...outcomes].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const outcome of ordered) {
    if (outcome.succeeded) {
      if (
        current.failingSince !== null &&
        current.consecutiveFailures >= ENDPOINT_HEALTH.recoveredAfterFailures
      ) {
        transitions.push({
          kind: 'recovered',
          failingSince: current.failingSince,
          failedAttempts: current.consecutiveFailures,
          at: outcome.at,
        });
      }
      current = HEALTHY;
      continue;
    }
    const failingSince = current.failingSince ?? outcome.at;
    current = { failingSince, consecutiveFailures: current.consecutiveFailures + 1 };
    const failingForMs = outcome.at.getTime() - failingSince.getTime();
    if (failingForMs >= disableAfterMs) {
      transitions.push({
        kind: 'disable',
        failingSince,
        failedAttempts: current.consecutiveFailures,
        at: outcome.at,
        reason: `failing continuously since ${failingSince.toISOString()} (${current.consecutiveFailures} failed attempts in a row, none succeeded for ${describeMs(failingForMs)}); re-enable it once the receiver works again`,
      });
      return { state: current, transitions };
    }
  }
  return { state: current, transitions };
}

function describeMs(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${ms}ms`;
}
