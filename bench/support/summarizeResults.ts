import type { ResultRow } from './writeResultsMarkdown.ts';

// biome-ignore lint/suspicious/noExplicitAny: the results object is assembled step by step and may lack a step.
type Results = Record<string, any>;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The goals of issue #6 next to what this run measured (goals, not assertions). */
export function summarizeResults(results: Results): ResultRow[] {
  const rows: ResultRow[] = [];
  const ceiling = results.ceiling;
  const e2e = results.endToEnd;
  const baseline = results.baseline;
  if (ceiling) {
    rows.push({
      measure: 'Ceiling: receiver (autocannon, 50 conns)',
      value: `${ceiling.autocannonRequestsPerSecond} req/s`,
      goal: '—',
      met: null,
    });
    rows.push({
      measure: 'Ceiling: undici raw POST (50 conns)',
      value: `${ceiling.undiciPostsPerSecond} req/s`,
      goal: '—',
      met: null,
    });
  }
  if (e2e) {
    const tps = e2e.throughput.deliveriesPerSecond;
    rows.push({
      measure: `End-to-end: ${e2e.throughput.rows} rows, 10 tenants × 5 endpoints, signatures verified`,
      value: `${tps} deliveries/s (${e2e.throughput.duplicates} duplicates, ${e2e.throughput.badSignatures} bad signatures)`,
      goal: '≥ 10,000/s',
      met: tps >= 10_000,
    });
    if (ceiling) {
      const ratio = tps / ceiling.autocannonRequestsPerSecond;
      rows.push({
        measure: 'End-to-end ÷ receiver ceiling',
        value: `${round(ratio * 100, 1)} %`,
        goal: '≥ 25 %',
        met: ratio >= 0.25,
      });
    }
    const l = e2e.latency;
    rows.push({
      measure: `Latency at ${l.offeredPerSecond}/s on one tenant's 5 endpoints, commit → receiver (p50 / p95 / p99 / max)`,
      value: `${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms`,
      goal: 'p99 ≤ 50 ms',
      met: l.p99 <= 50,
    });
    rows.push({
      measure: 'Runtime peak RSS (throughput run / latency run)',
      value: `${e2e.peakRssMiB.throughput} / ${e2e.peakRssMiB.latency} MiB`,
      goal: '—',
      met: null,
    });
  }
  const capture = results.captureOverhead;
  if (capture) {
    rows.push({
      measure: 'Capture: tracked ÷ untracked single-row INSERT tx/s (8 clients)',
      value: `${capture.ratio} (${capture.trackedTps} vs ${capture.untrackedTps})`,
      goal: '≥ 0.90 (overhead ≤ 10 %)',
      met: capture.ratio >= 0.9,
    });
    rows.push({
      measure: 'Capture: tracked ÷ untracked, 100-row statements',
      value: `${capture.batchedRatio}`,
      goal: '—',
      met: null,
    });
  }
  const fairness = results.fairness;
  if (fairness) {
    rows.push({
      measure: `Fairness: quiet tenant p99 with a 100× flood ÷ alone`,
      value: `${fairness.floodRatio} (${fairness.withFlood.p99} vs ${fairness.alone.p99} ms)`,
      goal: '≤ 1.5',
      met: fairness.floodRatio <= 1.5,
    });
    rows.push({
      measure: 'Fairness: quiet tenant p99 with a black-holed endpoint ÷ alone',
      value: `${fairness.blackholeRatio} (${fairness.withBlackhole.p99} vs ${fairness.alone.p99} ms)`,
      goal: '≤ 1.5',
      met: fairness.blackholeRatio <= 1.5,
    });
  }
  if (baseline) {
    rows.push({
      measure: 'Baseline (graphile-worker job per delivery + undici)',
      value: `${baseline.deliveriesPerSecond} deliveries/s`,
      goal: '—',
      met: null,
    });
    if (e2e) {
      const ratio = e2e.throughput.deliveriesPerSecond / baseline.deliveriesPerSecond;
      rows.push({
        measure: 'Rowhook ÷ baseline throughput',
        value: `${round(ratio)}×`,
        goal: '≥ 2×',
        met: ratio >= 2,
      });
    }
    rows.push({
      measure: 'Baseline worker peak RSS',
      value: `${baseline.peakRssMiB} MiB`,
      goal: '—',
      met: null,
    });
  }
  return rows;
}
