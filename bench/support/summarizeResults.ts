import { type Completeness, describeCompleteness, shortfall } from './completeness.ts';
import { backfillRows, purgeRows } from './retentionRows.ts';
import type { ResultRow } from './writeResultsMarkdown.ts';

// biome-ignore lint/suspicious/noExplicitAny: the results object is assembled step by step and may lack a step.
type Results = Record<string, any>;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const MIN_FAIRNESS_SAMPLES = 1000;

/** Every failure among the runs a figure depends on, or null when they all delivered everything. */
function failures(...parts: Array<{ name?: string; completeness?: Completeness } | undefined>) {
  const found = parts
    .map((part) => {
      const problem = shortfall(part?.completeness);
      return problem && part?.name ? `${part.name}: ${problem}` : problem;
    })
    .filter((problem): problem is string => problem !== null);
  return found.length > 0 ? found.join('; ') : null;
}

function ceilingRows(ceiling: Results): ResultRow[] {
  return [
    {
      measure: 'Ceiling: verifying receiver (autocannon, 50 conns)',
      value: `${count(ceiling.autocannonRequestsPerSecond)} req/s`,
      goal: '—',
      met: null,
    },
    {
      measure: 'Ceiling: undici raw POST into it (50 conns)',
      value: `${count(ceiling.undiciPostsPerSecond)} req/s`,
      goal: '—',
      met: null,
    },
  ];
}

function throughputRows(results: Results): ResultRow[] {
  const { throughput: t, ceiling, baseline } = results;
  const rows: ResultRow[] = [];
  if (t) {
    rows.push({
      measure: `End-to-end: ${count(t.rows)} rows in ${t.perStatement}-row transactions (${t.clients} clients), ${t.tenants} tenants × ${t.endpointsPerTenant} endpoints, signatures verified`,
      value: `${count(t.deliveriesPerSecond)} deliveries/s (${describeCompleteness(t.completeness)})`,
      goal: '—',
      met: null,
      failed: failures(t),
    });
    if (ceiling) {
      const ratio = t.deliveriesPerSecond / ceiling.autocannonRequestsPerSecond;
      rows.push({
        measure: 'End-to-end signed deliveries ÷ verifying receiver ceiling',
        value: `${round(ratio * 100, 1)} %`,
        goal: '≥ 50 %',
        met: ratio >= 0.5,
        failed: failures(t),
      });
    }
  }
  for (const mode of ['tuned', 'defaults'] as const) {
    const b = baseline?.[mode];
    if (!b) continue;
    rows.push({
      measure: `graphile-worker 0.17.3 ${b.configuration.label}; job per row by trigger, undici + HMAC, same workload`,
      value: `${count(b.deliveriesPerSecond)} deliveries/s (${describeCompleteness(b.completeness)})`,
      goal: '—',
      met: null,
      failed: failures(b),
    });
  }
  for (const mode of ['tuned', 'defaults'] as const) {
    const b = baseline?.[mode];
    if (!b || !t) continue;
    const ratio = t.deliveriesPerSecond / b.deliveriesPerSecond;
    rows.push({
      measure: `Rowhook ÷ graphile-worker ${mode}`,
      value: `${round(ratio)}× (${count(t.deliveriesPerSecond)} vs ${count(b.deliveriesPerSecond)}/s)`,
      goal: mode === 'tuned' ? '≥ 2×' : '—',
      met: mode === 'tuned' ? ratio >= 2 : null,
      failed: failures({ name: 'Rowhook', ...t }, { name: `graphile-worker ${mode}`, ...b }),
    });
  }
  return rows;
}

function latencyRows(latency: Results[]): ResultRow[] {
  return latency.map((l) => ({
    measure: `Latency commit → receiver at ${count(l.offeredPerSecond)} rows/s over ${l.seconds} s, ${l.label} (p50 / p95 / p99 / max)`,
    value: `${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms (${describeCompleteness(l.completeness)})`,
    goal: 'p50 ≤ 10 ms, p99 ≤ 50 ms',
    met: l.p50 <= 10 && l.p99 <= 50,
    failed: failures(l),
  }));
}

function fairnessRows(f: Results): ResultRow[] {
  const samples = (phase: Results) => count(phase.count);
  const enough = (...phases: Results[]) => phases.every((p) => p.count >= MIN_FAIRNESS_SAMPLES);
  const quiet = `quiet tenant (${f.quietPerSecond}/s for ${f.seconds} s)`;
  return [
    {
      measure: `Fairness: ${quiet} p99 with a 100× flood (${count(f.floodPerSecond)}/s) ÷ alone`,
      value: `${f.floodRatio} (${f.withFlood.p99} vs ${f.alone.p99} ms; ${samples(f.withFlood)} and ${samples(f.alone)} samples)`,
      goal: `≤ 1.5, ≥ ${count(MIN_FAIRNESS_SAMPLES)} samples`,
      met: f.floodRatio <= 1.5 && enough(f.alone, f.withFlood),
      failed: failures({ name: 'alone', ...f.alone }, { name: 'with flood', ...f.withFlood }),
    },
    {
      measure: `Fairness: ${quiet} p99 with a black-holed endpoint (${count(f.blackholePerSecond)}/s) ÷ alone`,
      value: `${f.blackholeRatio} (${f.withBlackhole.p99} vs ${f.alone.p99} ms; ${samples(f.withBlackhole)} and ${samples(f.alone)} samples)`,
      goal: `≤ 1.5, ≥ ${count(MIN_FAIRNESS_SAMPLES)} samples`,
      met: f.blackholeRatio <= 1.5 && enough(f.alone, f.withBlackhole),
      failed: failures({ name: 'alone', ...f.alone }, { name: 'with black hole', ...f.withBlackhole }),
    },
  ];
}

function captureRows(c: Results): ResultRow[] {
  const list = (ratios: number[]) => ratios.join(', ');
  return [
    {
      measure: `Capture: 100-row INSERT statements (${c.batchClients} clients), tracked ÷ untracked rows/s`,
      value:
        `Rowhook ${c.batched.rowhookRatio} (${count(c.batched.perSecond.rowhook)} vs ${count(c.batched.perSecond.untracked)}); ` +
        `Hasura-style trigger ${c.batched.hasuraStyleRatio} (${count(c.batched.perSecond.hasuraStyle)})`,
      goal: '≥ 0.5×',
      met: c.batched.rowhookRatio >= 0.5,
    },
    {
      measure: `Capture: single-row transactions (${c.clients} clients), tracked ÷ untracked tx/s, lowest of ${c.rounds} rounds`,
      value:
        `Rowhook ${c.singleRow.rowhookMinRatio} (rounds ${list(c.singleRow.rowhookRatios)}; ${count(c.singleRow.perSecond.rowhook)} vs ${count(c.singleRow.perSecond.untracked)}); ` +
        `Hasura-style trigger ${c.singleRow.hasuraStyleMinRatio} (rounds ${list(c.singleRow.hasuraStyleRatios)}; ${count(c.singleRow.perSecond.hasuraStyle)})`,
      goal: '≥ 0.6× in every round',
      met: c.singleRow.rowhookMinRatio >= 0.6,
    },
  ];
}

function memoryRows(results: Results): ResultRow[] {
  const rows: ResultRow[] = [];
  const { throughput: t, latency, baseline } = results;
  if (t) {
    const others = latency?.length
      ? ` (latency runs: ${latency.map((l: Results) => l.peakRssMiB).join(' / ')} MiB)`
      : '';
    rows.push({
      measure: 'Runtime peak RSS at full speed (throughput run)',
      value: `${t.peakRssMiB} MiB${others}`,
      goal: '≤ 150 MiB',
      met: t.peakRssMiB <= 150,
    });
  }
  if (baseline) {
    const modes = (['tuned', 'defaults'] as const).filter((mode) => baseline[mode]);
    rows.push({
      measure: `graphile-worker peak RSS (${modes.join(' / ')})`,
      value: `${modes.map((mode) => baseline[mode].peakRssMiB).join(' / ')} MiB`,
      goal: '—',
      met: null,
    });
  }
  return rows;
}

/** Ordering per key (issue #14): the same workload to per-key endpoints, beside the unordered run. */
function orderedRows(results: Results): ResultRow[] {
  const { throughput: t, ordered: o } = results;
  if (!o) return [];
  const rows: ResultRow[] = [
    {
      measure: `End-to-end, per-key ordered endpoints (every row its own key), same workload`,
      value: `${count(o.deliveriesPerSecond)} deliveries/s (${describeCompleteness(o.completeness)})`,
      goal: '—',
      met: null,
      failed: failures(o),
    },
  ];
  if (t) {
    rows.push({
      measure: 'Per-key ordered ÷ unordered deliveries/s',
      value: `${round((o.deliveriesPerSecond / t.deliveriesPerSecond) * 100, 1)} %`,
      goal: '—',
      met: null,
      failed: failures(o, t),
    });
  }
  return rows;
}

/** The goals of issues #6 and #10 next to what this run measured (goals, not assertions). */
export function summarizeResults(results: Results): ResultRow[] {
  return [
    ...(results.ceiling ? ceilingRows(results.ceiling) : []),
    ...throughputRows(results),
    ...orderedRows(results),
    ...(results.latency ? latencyRows(results.latency) : []),
    ...(results.fairness ? fairnessRows(results.fairness) : []),
    ...memoryRows(results),
    ...(results.capture ? captureRows(results.capture) : []),
    ...(results.backfill ? backfillRows(results.backfill) : []),
    ...(results.purge ? purgeRows(results.purge) : []),
  ];
}
