import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../functions/adapters/metrics/PrometheusMetrics.ts';
import { ATTEMPT_DURATION_BUCKETS, METRICS } from '../../../functions/core/metrics/constants.ts';
import type { GaugeReading, GaugeSource } from '../../../functions/ports/Metrics.ts';

/** A gauge source whose readings the test replaces between scrapes. */
function gaugesReading(initial: GaugeReading[]): GaugeSource & { next: GaugeReading[] } {
  const source = {
    next: initial,
    read: async () => source.next,
  };
  return source;
}

const lines = (text: string) => text.split('\n');

describe('PrometheusMetrics', () => {
  it('exposes every outcome of rowhook_deliveries_total from the start, then counts increments', async () => {
    const metrics = new PrometheusMetrics();
    expect(lines(await metrics.render())).toEqual(
      expect.arrayContaining([
        '# TYPE rowhook_deliveries_total counter',
        'rowhook_deliveries_total{outcome="delivered"} 0',
        'rowhook_deliveries_total{outcome="retry"} 0',
        'rowhook_deliveries_total{outcome="dead"} 0',
        'rowhook_deliveries_total{outcome="discarded"} 0',
      ]),
    );
    metrics.increment(METRICS.deliveries, { outcome: 'delivered' }, 2);
    metrics.increment(METRICS.deliveries, { outcome: 'dead' });
    const text = lines(await metrics.render());
    expect(text).toContain('rowhook_deliveries_total{outcome="delivered"} 2');
    expect(text).toContain('rowhook_deliveries_total{outcome="dead"} 1');
  });

  it('keeps the attempt latency histogram per result with the shared buckets, in seconds', async () => {
    const metrics = new PrometheusMetrics();
    metrics.observe(METRICS.attemptDuration, { result: '2xx' }, 0.02);
    metrics.observe(METRICS.attemptDuration, { result: '2xx' }, 3);
    metrics.observe(METRICS.attemptDuration, { result: 'timeout' }, 15);
    const text = lines(await metrics.render());
    expect(text).toContain('# TYPE rowhook_attempt_duration_seconds histogram');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="0.01",result="2xx"} 0');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="0.025",result="2xx"} 1');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="5",result="2xx"} 2');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="+Inf",result="2xx"} 2');
    expect(text).toContain('rowhook_attempt_duration_seconds_count{result="2xx"} 2');
    expect(text).toContain('rowhook_attempt_duration_seconds_sum{result="2xx"} 3.02');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="10",result="timeout"} 0');
    expect(text).toContain('rowhook_attempt_duration_seconds_bucket{le="15",result="timeout"} 1');
    const buckets = text
      .filter((l) => l.startsWith('rowhook_attempt_duration_seconds_bucket{') && l.includes('result="2xx"'))
      .map((l) => /le="([^"]+)"/.exec(l)?.[1]);
    expect(buckets).toEqual([...ATTEMPT_DURATION_BUCKETS.map(String), '+Inf']);
  });

  it('reads the gauges at each scrape and drops label sets that are no longer reported', async () => {
    const source = gaugesReading([
      { metric: METRICS.outboxLag, labels: {}, value: 12.5 },
      { metric: METRICS.queueDepth, labels: { state: 'ready' }, value: 3 },
      { metric: METRICS.queueDepth, labels: { state: 'scheduled' }, value: 7 },
      { metric: METRICS.deadLetters, labels: { tenant: 'acme' }, value: 4 },
      { metric: METRICS.deadLetters, labels: { tenant: 'globex' }, value: 1 },
    ]);
    const metrics = new PrometheusMetrics(source);
    const first = lines(await metrics.render());
    expect(first).toEqual(
      expect.arrayContaining([
        '# TYPE rowhook_outbox_lag_seconds gauge',
        'rowhook_outbox_lag_seconds 12.5',
        'rowhook_queue_depth{state="ready"} 3',
        'rowhook_queue_depth{state="scheduled"} 7',
        'rowhook_dead_letters{tenant="acme"} 4',
        'rowhook_dead_letters{tenant="globex"} 1',
      ]),
    );
    source.next = [
      { metric: METRICS.outboxLag, labels: {}, value: 0 },
      { metric: METRICS.deadLetters, labels: { tenant: 'acme' }, value: 2 },
    ];
    const second = lines(await metrics.render());
    expect(second).toContain('rowhook_outbox_lag_seconds 0');
    expect(second).toContain('rowhook_dead_letters{tenant="acme"} 2');
    expect(second.some((l) => l.includes('tenant="globex"'))).toBe(false);
  });

  it('fails the scrape when the gauges cannot be read, instead of showing stale values', async () => {
    const metrics = new PrometheusMetrics({
      read: async () => {
        throw new Error('database down');
      },
    });
    await expect(metrics.render()).rejects.toThrow('database down');
  });

  it('answers with the Prometheus text format content type', () => {
    expect(new PrometheusMetrics().contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
