import { vi } from 'vitest';
import { UndiciSender } from '../../../functions/adapters/http/UndiciSender.ts';
import { AddressPolicy } from '../../../functions/core/network/AddressPolicy.ts';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';
import type { DeliverDependencies } from '../../../functions/handlers/createDeliverHandler.ts';
import type { Settlement } from '../../../functions/ports/DeliveryQueue.ts';

/**
 * The parts of the deliver handler's dependencies its tests share: a real sender allowed to reach
 * loopback receivers, a settler that records into `settled` and applies everything, the 5s,5m
 * schedule on the test's clock, and silent logger and metrics (vi.fn, so tests can look at them).
 */
export function deliverTestDependencies(settled: Settlement[], now: () => Date) {
  return {
    settler: {
      settle: vi.fn(async (list: readonly Settlement[]) => {
        settled.push(...list);
        return { applied: new Set(list.map((s) => s.delivery.id)) };
      }),
      redelay: vi.fn(async () => 900),
    },
    sender: new UndiciSender({
      policy: new AddressPolicy(['127.0.0.0/8']),
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 5_000,
      snippetBytes: 100,
      connectionsPerOrigin: 4,
      userAgent: 'rowhook-test',
    }),
    schedule: parseRetrySchedule('5s,5m'),
    now,
    random: () => 0.5,
    logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() },
  } satisfies Partial<DeliverDependencies>;
}
