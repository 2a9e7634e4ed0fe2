import { describe, expect, it, vi } from 'vitest';
import { createRecoverHandler, RECOVERED_METRIC } from '../../../functions/handlers/createRecoverHandler.ts';
import type { RecoveryBatch, RecoveryJobs } from '../../../functions/ports/Recoveries.ts';

const observability = () => ({
  logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
  metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() },
});

function jobs(batches: Array<RecoveryBatch | Error>): RecoveryJobs & { calls: number } {
  const fake = {
    calls: 0,
    runBatch: vi.fn(async () => {
      const next = batches[fake.calls++];
      if (next instanceof Error) throw next;
      return next ?? null;
    }),
    wake: async () => {},
  };
  return fake;
}

const batch = (queued: number, finished = false): RecoveryBatch => ({
  jobId: 'j',
  queued,
  finished,
  blocked: false,
});

describe('the recover handler', () => {
  it('runs batches until none is left, counting what it sent', async () => {
    const o = observability();
    const run = createRecoverHandler({ jobs: jobs([batch(10), batch(4, true)]), batchSize: 10, ...o });
    expect(await run({}, { getRemainingTimeInMillis: () => 60_000 })).toEqual({
      batches: 2,
      sent: 14,
      jobsFinished: 1,
    });
    expect(o.metrics.addMetric).toHaveBeenCalledWith(RECOVERED_METRIC, 'Count', 14);
    expect(o.metrics.publishStoredMetrics).toHaveBeenCalled();
  });

  it('starts no batch once less than the reserve is left; the next scheduled run goes on', async () => {
    const o = observability();
    const source = jobs([batch(10), batch(10), batch(10)]);
    const left = [60_000, 20_000, 5_000];
    const run = createRecoverHandler({ jobs: source, batchSize: 10, reserveMs: 15_000, ...o });
    expect(await run({}, { getRemainingTimeInMillis: () => left.shift() ?? 0 })).toMatchObject({
      batches: 2,
      sent: 20,
    });
    expect(source.calls).toBe(2);
  });

  it('logs and rethrows a failed batch, still publishing what was sent before it', async () => {
    const o = observability();
    const run = createRecoverHandler({
      jobs: jobs([batch(10), new Error('SQS down')]),
      batchSize: 10,
      ...o,
    });
    await expect(run({}, { getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow('SQS down');
    expect(o.logger.error).toHaveBeenCalledWith(
      'recover batch failed',
      expect.objectContaining({ batches: 1, sent: 10 }),
    );
    expect(o.metrics.addMetric).toHaveBeenCalledWith(RECOVERED_METRIC, 'Count', 10);
  });
});
