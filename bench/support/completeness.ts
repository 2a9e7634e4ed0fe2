import type { Arrivals, ReceiverStats } from '../receiver/startBenchReceiver.ts';
import type { CommitLog } from './writeRows.ts';

/** What a run offered against what the verifying receiver saw of it. */
export interface Completeness {
  offered: number;
  /** Offered rows that arrived, signature verified. */
  delivered: number;
  duplicates: number;
  badSignatures: number;
  /** Arrivals of rows this run did not offer. */
  unexpected: number;
}

export interface Joined {
  completeness: Completeness;
  /** Commit → arrival, ms, one per delivered row. */
  latencies: number[];
  lastArrivalAt: number;
}

/** Joins each arrival to the commit of its row (by the row id), so a missing row is named, not averaged away. */
export function joinArrivals(commits: CommitLog, arrivals: Arrivals, stats: ReceiverStats): Joined {
  const latencies: number[] = [];
  let unexpected = 0;
  let lastArrivalAt = 0;
  arrivals.ids.forEach((id, index) => {
    const committedAt = commits.get(id);
    const arrivedAt = arrivals.at[index] ?? 0;
    if (committedAt === undefined) {
      unexpected += 1;
      return;
    }
    latencies.push(arrivedAt - committedAt);
    if (arrivedAt > lastArrivalAt) lastArrivalAt = arrivedAt;
  });
  return {
    completeness: {
      offered: commits.size,
      delivered: latencies.length,
      duplicates: stats.duplicates,
      badSignatures: stats.badSignatures,
      unexpected,
    },
    latencies,
    lastArrivalAt,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why the run is not complete, or null when every offered row arrived once, verified. */
export function shortfall(c: Completeness | undefined): string | null {
  if (!c) return null;
  const problems: string[] = [];
  if (c.delivered < c.offered) problems.push(`${count(c.delivered)} of ${count(c.offered)} delivered`);
  if (c.badSignatures > 0) problems.push(`${count(c.badSignatures)} bad signatures`);
  if (c.unexpected > 0) problems.push(`${count(c.unexpected)} rows nobody offered`);
  return problems.length > 0 ? problems.join(', ') : null;
}

/** "50,000 of 50,000 delivered, 0 duplicates, 0 bad signatures" */
export function describeCompleteness(c: Completeness): string {
  return `${count(c.delivered)} of ${count(c.offered)} delivered, ${count(c.duplicates)} duplicates, ${count(c.badSignatures)} bad signatures`;
}
