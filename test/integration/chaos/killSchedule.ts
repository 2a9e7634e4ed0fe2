import { KILL_POINT, type KillPoint } from '../../support/chaos/constants.ts';
import { randomInt } from './seededRandom.ts';

export type KillPlan =
  /** SIGKILL from outside this long after the process was spawned, ready or not (start-up). */
  | { kind: 'startup'; delayMs: number }
  /** SIGKILL from outside this long after the runtime said it is running. */
  | { kind: 'delay'; delayMs: number }
  /** The runtime kills itself the n-th time it reaches `point` (ROWHOOK_CHAOS_KILL_AT). */
  | { kind: 'point'; point: KillPoint; n: number };

export function describePlan(plan: KillPlan): string {
  return plan.kind === 'point' ? `${plan.point}:${plan.n}` : `${plan.kind}+${plan.delayMs}ms`;
}

/**
 * Half the kills at named points inside the pipeline (every point at least once when there are
 * enough kills), the rest at random delays, a few of them during start-up; order shuffled.
 */
export function killSchedule(random: () => number, kills: number): KillPlan[] {
  const points = Object.values(KILL_POINT);
  const plans: KillPlan[] = [];
  const pointKills = Math.ceil(kills / 2);
  for (let i = 0; i < pointKills; i++) {
    const point =
      i < points.length
        ? (points[i] as KillPoint)
        : (points[randomInt(random, 0, points.length - 1)] as KillPoint);
    plans.push({ kind: 'point', point, n: randomInt(random, 1, 4) });
  }
  while (plans.length < kills) {
    plans.push(
      random() < 0.2
        ? { kind: 'startup', delayMs: randomInt(random, 0, 700) }
        : { kind: 'delay', delayMs: randomInt(random, 0, 800) },
    );
  }
  for (let i = plans.length - 1; i > 0; i--) {
    const j = randomInt(random, 0, i);
    [plans[i], plans[j]] = [plans[j] as KillPlan, plans[i] as KillPlan];
  }
  return plans;
}
