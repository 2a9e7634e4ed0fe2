import uPlot from '../../vendor/uPlot.esm.js';

const MINUTE = 60_000;
const COLORS = { delivered: '#15803d', failed: '#b91c1c', p50: '#1d4ed8', p95: '#7c3aed' };

/**
 * Minute-by-minute series over the whole window from the API's stats answer
 * ({since, until, buckets: [{t, delivered, failed, p50Ms, p95Ms}]}, minutes without attempts left
 * out): counts are 0 and latencies absent (a gap in the line) for those minutes.
 */
export function toSeries(stats) {
  const start = Math.floor(Date.parse(stats.since) / MINUTE) * MINUTE;
  const end = Math.floor(Date.parse(stats.until) / MINUTE) * MINUTE;
  const byMinute = new Map(stats.buckets.map((b) => [Date.parse(b.t), b]));
  const series = { t: [], delivered: [], failed: [], p50: [], p95: [] };
  for (let t = start; t <= end; t += MINUTE) {
    const bucket = byMinute.get(t);
    series.t.push(t / 1000);
    series.delivered.push(bucket?.delivered ?? 0);
    series.failed.push(bucket?.failed ?? 0);
    series.p50.push(bucket?.p50Ms ?? null);
    series.p95.push(bucket?.p95Ms ?? null);
  }
  return series;
}

/** Totals for the text summary screen-reader users (and everyone) read beside the charts. */
export function summarize(stats) {
  const delivered = stats.buckets.reduce((n, b) => n + b.delivered, 0);
  const failed = stats.buckets.reduce((n, b) => n + b.failed, 0);
  const p95 = stats.buckets.reduce((max, b) => Math.max(max, b.p95Ms ?? 0), 0);
  return { delivered, failed, worstP95Ms: p95 };
}

function chart(container, title, width, data, series, yLabel) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption);
  container.append(figure);
  return new uPlot(
    {
      width,
      height: 180,
      series: [{}, ...series],
      axes: [{}, { label: yLabel, size: 60 }],
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
    },
    data,
    figure,
  );
}

/**
 * Two charts into `container`: attempts per minute by outcome (bars), and p50/p95 latency per
 * minute (lines). Returns the uPlot instances (destroyed when the container is rebuilt).
 */
export function deliveryCharts(container, stats, { label }) {
  const s = toSeries(stats);
  const width = Math.max(320, Math.min(container.clientWidth || 900, 1100) - 16);
  const bars = uPlot.paths.bars({ size: [0.9, 6] });
  return [
    chart(
      container,
      `${label}: deliveries per minute by outcome`,
      width,
      [s.t, s.delivered, s.failed],
      [
        { label: 'Delivered', stroke: COLORS.delivered, fill: `${COLORS.delivered}99`, paths: bars },
        { label: 'Failed', stroke: COLORS.failed, fill: `${COLORS.failed}99`, paths: bars },
      ],
      'attempts',
    ),
    chart(
      container,
      `${label}: latency per minute (p50, p95)`,
      width,
      [s.t, s.p50, s.p95],
      [
        // Points too: a minute with traffic between two quiet ones has no neighbour to draw a line to.
        { label: 'p50', stroke: COLORS.p50, width: 2, spanGaps: false, points: { show: true, size: 5 } },
        { label: 'p95', stroke: COLORS.p95, width: 2, spanGaps: false, points: { show: true, size: 5 } },
      ],
      'ms',
    ),
  ];
}
