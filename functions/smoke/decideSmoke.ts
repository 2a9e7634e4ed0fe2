import { type CanaryPath, SMOKE_EXIT } from './constants.ts';
import type { CanaryDelivery } from './ports.ts';

/** The verdict on one delivery path. */
export interface PathResult {
  readonly path: CanaryPath;
  readonly delivered: boolean;
  /** null when nothing arrived; false when any request the receiver got failed verification. */
  readonly signatureValid: boolean | null;
  /** Row commit (as the smoke saw it) to the first request received, in ms. */
  readonly latencyMs: number | null;
  readonly requests: number;
  /** Why the path is not verified (null when it is). */
  readonly problem: string | null;
  readonly verified: boolean;
}

export interface SmokeReport {
  readonly runId: string;
  readonly stack: string;
  /** Empty when the run stopped before the row was written (see `error`). */
  readonly results: readonly PathResult[];
  /** The step that stopped the run, if any. */
  readonly error: string | null;
  /** Cleanup steps that failed: leftovers to remove by hand. */
  readonly cleanupErrors: readonly string[];
}

/**
 * Judges one path from what the receiver recorded. A path is verified only when something arrived
 * and every request carried a valid signature: a dedicated endpoint whose pre-computed signature is
 * refused still ends up delivered later (the DLQ hand-off re-signs), and that must not pass.
 */
export function judgePath(
  path: CanaryPath,
  deliveries: readonly CanaryDelivery[],
  writtenAt: number,
  setupProblem: string | null = null,
): PathResult {
  const mine = deliveries.filter((d) => d.path === path).sort((a, b) => a.receivedAt - b.receivedAt);
  const first = mine[0];
  const refused = mine.find((d) => !d.signatureValid);
  const delivered = first !== undefined;
  const signatureValid = delivered ? refused === undefined : null;
  const problem =
    setupProblem ??
    (!delivered
      ? 'nothing received before the deadline'
      : refused
        ? `signature refused by the receiver: ${refused.reason ?? 'no reason given'}`
        : null);
  return {
    path,
    delivered,
    signatureValid,
    latencyMs: first ? Math.max(0, first.receivedAt - writtenAt) : null,
    requests: mine.length,
    problem,
    verified: problem === null,
  };
}

/** Every path has at least one request recorded: waiting longer cannot change a verdict. */
export function allPathsHeard(paths: readonly CanaryPath[], deliveries: readonly CanaryDelivery[]): boolean {
  return paths.every((path) => deliveries.some((d) => d.path === path));
}

/** 0 only when the run completed, every path verified, and nothing was left behind. */
export function exitCodeOf(report: SmokeReport): number {
  const verified =
    report.error === null &&
    report.cleanupErrors.length === 0 &&
    report.results.length > 0 &&
    report.results.every((r) => r.verified);
  return verified ? SMOKE_EXIT.verified : SMOKE_EXIT.failed;
}
