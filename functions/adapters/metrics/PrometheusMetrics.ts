import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  type CounterMetric,
  DELIVERY_OUTCOME,
  type HistogramMetric,
  type LabelsOf,
  METRIC_TYPE,
  METRICS,
  type MetricDefinition,
} from '../../core/metrics/constants.ts';
import type { GaugeSource, Metrics, MetricsExposition } from '../../ports/Metrics.ts';

type Labels = Record<string, string>;

/**
 * The Prometheus side of the Metrics port: counters and histograms live in this process's registry
 * (the local runtime is one process); gauges are read from the GaugeSource on each scrape, so they
 * show the database's state, including work done by another process.
 */
export class PrometheusMetrics implements Metrics, MetricsExposition {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly gauges = new Map<string, Gauge>();

  constructor(private readonly gaugeSource?: GaugeSource) {
    for (const metric of Object.values(METRICS) as MetricDefinition[]) this.register(metric);
    // Every outcome present from the start, so rate() and alert expressions see 0, not "no data".
    const deliveries = this.counters.get(METRICS.deliveries.name);
    for (const outcome of Object.values(DELIVERY_OUTCOME)) deliveries?.inc({ outcome }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  increment<M extends CounterMetric>(metric: M, labels: LabelsOf<M>, by = 1): void {
    this.counters.get(metric.name)?.inc(labels as Labels, by);
  }

  observe<M extends HistogramMetric>(metric: M, labels: LabelsOf<M>, value: number): void {
    this.histograms.get(metric.name)?.observe(labels as Labels, value);
  }

  async render(): Promise<string> {
    if (this.gaugeSource) {
      const readings = await this.gaugeSource.read();
      // Reset first: a tenant whose dead letters were all redriven must disappear, not stay stale.
      for (const gauge of this.gauges.values()) gauge.reset();
      for (const { metric, labels, value } of readings)
        this.gauges.get(metric.name)?.set(labels as Labels, value);
    }
    return this.registry.metrics();
  }

  private register(metric: MetricDefinition): void {
    const common = {
      name: metric.name,
      help: metric.help,
      labelNames: [...metric.labels],
      registers: [this.registry],
    };
    if (metric.type === METRIC_TYPE.counter) this.counters.set(metric.name, new Counter(common));
    else if (metric.type === METRIC_TYPE.histogram)
      this.histograms.set(metric.name, new Histogram({ ...common, buckets: [...metric.buckets] }));
    else if (this.gaugeSource) this.gauges.set(metric.name, new Gauge(common));
  }
}
