import { describe, expect, it, vi } from 'vitest';
import { createCanaryCheckHandler } from '../../../functions/handlers/createCanaryCheckHandler.ts';
import { SmokeError } from '../../../functions/smoke/errors.ts';
import { FakeCanary } from './fakeCanary.ts';

function handler(world: FakeCanary) {
  const logger = { info: vi.fn(), error: vi.fn() };
  const run = createCanaryCheckHandler({
    dependencies: async () => world.dependencies,
    stack: 'Rowhook-dev',
    receiverUrl: 'https://rx.example.test',
    newRunId: () => 'sched1',
    logger,
  });
  return { run, logger };
}

describe('scheduled canary check', () => {
  it('returns and logs the report when every path is verified', async () => {
    const { run, logger } = handler(new FakeCanary());
    const report = await run();
    expect(report.results.every((r) => r.verified)).toBe(true);
    expect(logger.info).toHaveBeenCalledWith('canary verified', { report });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('throws (counted by the Errors alarm) when a path fails, naming it', async () => {
    const world = new FakeCanary();
    world.latencyMs = { pooled: 100 };
    const { run, logger } = handler(world);
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SmokeError);
    expect(error).toMatchObject({ code: 'canary_failed', retryable: true });
    expect((error as Error).message).toContain('dedicated: nothing received before the deadline');
    expect(logger.error).toHaveBeenCalledOnce();
    expect(world.endpoints.size).toBe(0);
  });
});
