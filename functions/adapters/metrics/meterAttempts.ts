import { attemptResult } from '../../core/metrics/attemptResult.ts';
import { METRICS } from '../../core/metrics/constants.ts';
import type { AttemptRecord, DeliveryLog } from '../../ports/DeliveryLog.ts';
import type { Metrics } from '../../ports/Metrics.ts';

/** Feeds `rowhook_attempt_duration_seconds{result}` with each attempt. */
export function observeAttempts(metrics: Metrics, attempts: readonly AttemptRecord[]): void {
  for (const a of attempts) {
    metrics.observe(
      METRICS.attemptDuration,
      { result: attemptResult(a.status, a.errorClass) },
      a.latencyMs / 1000,
    );
  }
}

/**
 * The same delivery log with every recorded attempt observed. Every attempt passes through `record`
 * whichever pipeline made it (local worker, deliver Lambda), so this one decorator covers both.
 * Observed only once stored: a batch that fails is recorded again one by one, and counted then.
 * A proxy, so the log's other methods pass through unchanged, including ones added later.
 */
export function meterAttempts<L extends Pick<DeliveryLog, 'record'>>(inner: L, metrics: Metrics): L {
  const record = async (attempts: readonly AttemptRecord[]): Promise<void> => {
    await inner.record(attempts);
    observeAttempts(metrics, attempts);
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'record') return record;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
