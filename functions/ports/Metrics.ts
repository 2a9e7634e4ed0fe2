import type { CounterMetric, GaugeMetric, HistogramMetric, LabelsOf } from '../core/metrics/constants.ts';

/**
 * Where the pipeline reports what happened (pushed as it happens). Names and labels come from
 * core/metrics/constants.ts; Prometheus and CloudWatch EMF implement it.
 */
export interface Metrics {
  increment<M extends CounterMetric>(metric: M, labels: LabelsOf<M>, by?: number): void;
  observe<M extends HistogramMetric>(metric: M, labels: LabelsOf<M>, value: number): void;
}

/** One gauge value; a union over the gauges, so each reading's labels match its metric. */
export type GaugeReading = {
  [K in GaugeMetric['name']]: {
    metric: Extract<GaugeMetric, { name: K }>;
    labels: LabelsOf<Extract<GaugeMetric, { name: K }>>;
    value: number;
  };
}[GaugeMetric['name']];

/** State read when scraped (queue depth, outbox lag, dead letters), not counted as it changes. */
export interface GaugeSource {
  read(): Promise<GaugeReading[]>;
}

/** The text a Prometheus scraper fetches. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}
