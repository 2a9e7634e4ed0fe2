import { METRICS } from '../../core/metrics/constants.ts';
import type { DeliverySettler, Settlement, SettleResult } from '../../ports/DeliveryQueue.ts';
import type { Metrics } from '../../ports/Metrics.ts';

/** Counts settlements by outcome; one increment per outcome present in the batch. */
export function countSettlements(metrics: Metrics, settlements: readonly Settlement[]): void {
  const byOutcome = new Map<Settlement['kind'], number>();
  for (const s of settlements) byOutcome.set(s.kind, (byOutcome.get(s.kind) ?? 0) + 1);
  for (const [outcome, count] of byOutcome) metrics.increment(METRICS.deliveries, { outcome }, count);
}

/**
 * The same settler (the local DeliveryQueue, the SQS settler with its `redelay`, ...) with
 * `rowhook_deliveries_total{outcome}` counted once `settle` has stored the outcomes. A proxy rather
 * than a class, so every other method of the wrapped object passes through unchanged, including
 * ones added to it later.
 */
export function meterSettlements<S extends DeliverySettler>(inner: S, metrics: Metrics): S {
  const settle = async (settlements: readonly Settlement[]): Promise<SettleResult> => {
    const result = await inner.settle(settlements);
    // A stale settlement (its claim was superseded) changed nothing and counts as nothing.
    countSettlements(
      metrics,
      settlements.filter((settlement) => result.applied.has(settlement.delivery.id)),
    );
    return result;
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'settle') return settle;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
