import type { MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  CounterMetric,
  HistogramMetric,
  LabelsOf,
  MetricDefinition,
} from '../../core/metrics/constants.ts';
import type { Metrics } from '../../ports/Metrics.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The part of Powertools' Metrics this adapter writes through (one EMF document per publish). */
export interface EmfWriter {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: Unit, value: number): unknown;
  publishStoredMetrics(): unknown;
}

/**
 * Powertools publishes by itself when one metric reaches 100 values (EMF's limit), and then clears
 * the dimensions: stay below, so every document is published here, with its dimensions.
 */
const MAX_VALUES_PER_DOCUMENT = 99;

interface Series {
  dimensions: [string, string][];
  name: string;
  unit: Unit;
  values: number[];
}

/**
 * The CloudWatch side of the Metrics port, through Powertools' EMF output. Values are buffered and
 * written on `publishStoredMetrics` (the handlers call it once per invocation), one EMF document per
 * distinct dimension set: an EMF document applies its dimensions to every metric in it, so
 * `outcome=delivered` and `outcome=dead` cannot share one. Only a metric's `emfDimensions` become
 * dimensions; its other labels (e.g. tenant) are dropped, since each CloudWatch series is billed.
 * Counters are summed per series; histogram values are kept (EMF carries up to 100 per metric and
 * CloudWatch computes percentiles from them).
 *
 * It also passes the handlers' own dimensionless metrics (`addMetric`) through to `base`, so a
 * handler keeps one metrics object.
 */
export class EmfMetrics implements Metrics {
  private readonly series = new Map<string, Series>();
  private baseHasMetrics = false;

  constructor(
    private readonly writer: EmfWriter,
    private readonly base?: Pick<EmfWriter, 'addMetric' | 'publishStoredMetrics'>,
  ) {}

  increment<M extends CounterMetric>(metric: M, labels: LabelsOf<M>, by = 1): void {
    const series = this.seriesFor(metric, labels);
    series.values[0] = (series.values[0] ?? 0) + by;
  }

  observe<M extends HistogramMetric>(metric: M, labels: LabelsOf<M>, value: number): void {
    this.seriesFor(metric, labels).values.push(value);
  }

  addMetric(name: string, unit: Unit, value: number): void {
    this.base?.addMetric(name, unit, value);
    this.baseHasMetrics = true;
  }

  publishStoredMetrics(): void {
    const documents = new Map<string, Series[]>();
    for (const s of this.series.values()) {
      const key = JSON.stringify(s.dimensions);
      documents.set(key, [...(documents.get(key) ?? []), s]);
    }
    this.series.clear();
    for (const group of documents.values()) this.write(group);
    // Only with something to say: Powertools logs a warning for every empty publish.
    if (this.baseHasMetrics) this.base?.publishStoredMetrics();
    this.baseHasMetrics = false;
  }

  private write(group: Series[]): void {
    const dimensions = group[0]?.dimensions ?? [];
    for (let offset = 0; group.some((s) => s.values.length > offset); offset += MAX_VALUES_PER_DOCUMENT) {
      for (const [name, value] of dimensions) this.writer.addDimension(name, value);
      for (const s of group) {
        for (const value of s.values.slice(offset, offset + MAX_VALUES_PER_DOCUMENT))
          this.writer.addMetric(s.name, s.unit, value);
      }
      this.writer.publishStoredMetrics();
    }
  }

  private seriesFor(metric: MetricDefinition, labels: Record<string, string>): Series {
    const dimensions = (metric.emfDimensions as readonly string[]).map((name): [string, string] => [
      name,
      labels[name] ?? '',
    ]);
    const key = JSON.stringify([metric.name, dimensions]);
    let series = this.series.get(key);
    if (!series) {
      series = { dimensions, name: metric.name, unit: metric.unit, values: [] };
      this.series.set(key, series);
    }
    return series;
  }
}
