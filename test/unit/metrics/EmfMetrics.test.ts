import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '../../../functions/adapters/metrics/EmfMetrics.ts';
import { METRICS } from '../../../functions/core/metrics/constants.ts';
import { createObservability } from '../../../functions/handlers/observability.ts';

interface EmfDocument {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** What Powertools printed: one EMF JSON document per line on stdout, as CloudWatch Logs reads it. */
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const documents = (): EmfDocument[] =>
  printed
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as EmfDocument);

const declared = (doc: EmfDocument) => doc._aws.CloudWatchMetrics[0] ?? { Dimensions: [] };

describe('EmfMetrics (through createObservability, as the Lambdas use it)', () => {
  it('writes one EMF document per dimension set, with the shared names, units and summed counters', () => {
    const { metrics } = createObservability('rowhook-deliver');
    metrics.increment(METRICS.deliveries, { outcome: 'delivered' });
    metrics.increment(METRICS.deliveries, { outcome: 'delivered' }, 2);
    metrics.increment(METRICS.deliveries, { outcome: 'dead' });
    metrics.observe(METRICS.attemptDuration, { result: '2xx' }, 0.12);
    metrics.observe(METRICS.attemptDuration, { result: '2xx' }, 0.3);
    metrics.addMetric('DeliveryRedelayed', 'Count', 1);
    expect(documents()).toEqual([]); // buffered until the handler publishes
    metrics.publishStoredMetrics();

    const docs = documents();
    expect(docs).toHaveLength(4);
    const delivered = docs.find((d) => d.outcome === 'delivered');
    expect(delivered).toMatchObject({ service: 'rowhook-deliver', rowhook_deliveries_total: 3 });
    expect(declared(delivered as EmfDocument)).toEqual({
      Namespace: 'Rowhook',
      Dimensions: [['service', 'outcome']],
      Metrics: [{ Name: 'rowhook_deliveries_total', Unit: 'Count' }],
    });
    expect(docs.find((d) => d.outcome === 'dead')).toMatchObject({ rowhook_deliveries_total: 1 });
    const latency = docs.find((d) => d.result === '2xx') as EmfDocument;
    expect(latency.rowhook_attempt_duration_seconds).toEqual([0.12, 0.3]);
    expect(declared(latency)).toMatchObject({
      Dimensions: [['service', 'result']],
      Metrics: [{ Name: 'rowhook_attempt_duration_seconds', Unit: 'Seconds' }],
    });
    // The handler's own metric keeps its single `service` dimension: no outcome leaks into it.
    const own = docs.find((d) => 'DeliveryRedelayed' in d) as EmfDocument;
    expect(declared(own).Dimensions).toEqual([['service']]);
    expect(own.outcome).toBeUndefined();

    metrics.publishStoredMetrics();
    expect(documents()).toHaveLength(4); // nothing left over to publish twice
  });

  it('never turns a label outside emfDimensions (e.g. a tenant) into a CloudWatch dimension', () => {
    const writer = { addDimension: vi.fn(), addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
    const metrics = new EmfMetrics(writer);
    metrics.increment(METRICS.deliveries, { outcome: 'dead', tenant: 'acme' } as never);
    metrics.publishStoredMetrics();
    expect(writer.addDimension.mock.calls).toEqual([['outcome', 'dead']]);
    expect(writer.addMetric.mock.calls).toEqual([['rowhook_deliveries_total', 'Count', 1]]);
    expect(writer.publishStoredMetrics).toHaveBeenCalledTimes(1);
    expect(METRICS.deadLetters.emfDimensions).toEqual([]);
  });

  it('publishes nothing (and so logs no Powertools warning) when nothing was added', () => {
    const writer = { addDimension: vi.fn(), addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
    const base = { addMetric: vi.fn(), publishStoredMetrics: vi.fn() };
    const metrics = new EmfMetrics(writer, base);
    metrics.publishStoredMetrics();
    expect(writer.publishStoredMetrics).not.toHaveBeenCalled();
    expect(base.publishStoredMetrics).not.toHaveBeenCalled();
    metrics.addMetric('ApiRequest', 'Count', 1);
    metrics.publishStoredMetrics();
    expect(base.publishStoredMetrics).toHaveBeenCalledTimes(1);
  });

  it('splits more than 99 values of one series over several documents, each with its dimensions', () => {
    const { metrics } = createObservability('rowhook-deliver');
    for (let i = 0; i < 150; i++) metrics.observe(METRICS.attemptDuration, { result: '5xx' }, i / 1000);
    metrics.publishStoredMetrics();
    const docs = documents().filter((d) => d.result === '5xx');
    expect(docs.map((d) => (d.rowhook_attempt_duration_seconds as number[]).length)).toEqual([99, 51]);
    expect(docs.flatMap((d) => d.rowhook_attempt_duration_seconds as number[])).toHaveLength(150);
  });
});
