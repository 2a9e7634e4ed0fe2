import { describeCompleteness, shortfall } from './completeness.ts';
import type { ResultRow } from './writeResultsMarkdown.ts';

// biome-ignore lint/suspicious/noExplicitAny: the results object is assembled step by step and may lack a step.
type Results = Record<string, any>;

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Backfill: rows/s and what it costs the writers of the same table (issue #13). */
export function backfillRows(b: Results): ResultRow[] {
  const once = b.snapshots === b.distinctRows && b.distinctRows >= b.rows;
  return [
    {
      measure: `Backfill: ${count(b.rows)} existing rows as snapshot events, ${b.batch}-row batches, with ${b.writers} writers on the table`,
      value: `${count(b.rowsPerSecond)} rows/s (${count(b.scanned)} rows in ${b.seconds} s; ${count(b.snapshots)} snapshots for ${count(b.distinctRows)} rows)`,
      goal: 'each row once',
      met: once,
      failed: once ? null : `${b.snapshots} snapshots for ${b.distinctRows} distinct rows`,
    },
    {
      measure: "Backfill: writers' single-row TPS while it runs ÷ alone",
      value: `${b.writerRatio} (${count(b.writersDuring.perSecond)} vs ${count(b.writersAlone.perSecond)} tx/s)`,
      goal: '—',
      met: null,
    },
  ];
}

/** Purge: delivery throughput while the retention purge runs ÷ without (issue #13). */
export function purgeRows(p: Results): ResultRow[] {
  const problems = [shortfall(p.without?.completeness), shortfall(p.during?.completeness)].filter(Boolean);
  return [
    {
      measure: `Retention purge: deliveries/s while purging ${count(p.history)} old deliveries (+ attempts, events) ÷ nothing to purge`,
      value:
        `${p.ratio} (${count(p.during.deliveriesPerSecond)} vs ${count(p.without.deliveriesPerSecond)}/s, ` +
        `${describeCompleteness(p.during.completeness)}; purged ${count(p.during.historyPurgedDuringRun)} during the run)`,
      goal: '≥ 0.9×',
      met: p.ratio >= 0.9,
      failed: problems.length > 0 ? problems.join('; ') : null,
    },
  ];
}
