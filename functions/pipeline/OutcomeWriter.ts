import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { DeliveryQueue } from '../ports/DeliveryQueue.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import type { AttemptResult } from './attemptDelivery.ts';
import { type HealthContext, settleEndpointHealth } from './settleEndpointHealth.ts';

export interface OutcomeWriterDependencies {
  queue: Pick<DeliveryQueue, 'settle'>;
  subscriptions: Pick<SubscriptionStore, 'disableEndpoint'>;
  log: DeliveryLog;
  now: () => Date;
  onError: (error: unknown) => void;
  /** See DeliveryWorkerDependencies.health. */
  health?: Omit<HealthContext, 'now'>;
  /** See DeliveryWorkerDependencies.together. */
  together?: <T>(work: () => Promise<T>) => Promise<T>;
  /** A retry was stored: it is due again after `delayMs`. */
  onRetry: (delayMs: number) => void;
}

/**
 * Writes attempt results in batches (at most `flushSize`, or after `flushDelayMs`), one batch at a
 * time: attempt records and settlements together, then endpoint health for what the queue applied.
 */
export class OutcomeWriter {
  private pending: AttemptResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: OutcomeWriterDependencies,
    private readonly options: { flushSize: number; flushDelayMs: number },
  ) {}

  add(result: AttemptResult): void {
    this.pending.push(result);
    if (this.pending.length >= this.options.flushSize) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushDelayMs);
  }

  /** Writes what is pending now; resolves when every batch so far is written. */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: AttemptResult[]): Promise<void> {
    try {
      await this.writeResults(batch);
    } catch (error) {
      // One unstorable result must not hold back the others (they would be re-sent at each lease
      // expiry): retry one by one, so only the bad one is left to its lease.
      this.deps.onError(error);
      for (const result of batch) await this.writeResults([result]).catch((e) => this.deps.onError(e));
    }
  }

  private async writeResults(batch: AttemptResult[]): Promise<void> {
    const store = async () => {
      // Attempts first: if we crash before settling, the lease expires and the delivery is tried
      // again (at-least-once, same webhook-id) with its earlier attempt already on record.
      await this.deps.log.record(batch.flatMap((r) => (r.attempt ? [r.attempt] : [])));
      if (!this.deps.health) {
        for (const r of batch) {
          if (r.disableEndpoint) {
            const { tenantId, endpointId, reason } = r.disableEndpoint;
            await this.deps.subscriptions.disableEndpoint(tenantId, endpointId, reason);
          }
        }
      }
      return this.deps.queue.settle(batch.map((r) => r.settlement));
    };
    const { applied } = await (this.deps.together ? this.deps.together(store) : store());
    // Settled retries come back through a claim once their delay has passed.
    for (const r of batch) {
      if (r.settlement.kind === 'retry' && applied.has(r.settlement.delivery.id)) {
        this.deps.onRetry(r.settlement.delayMs);
      }
    }
    // After settling, so a batch re-written one by one (see write) counts each outcome once; a
    // failure here costs at most some operational events, never a delivery.
    const health = this.deps.health;
    if (health) {
      // Only what the queue applied: a late worker's result for a re-claimed delivery must not raise
      // operational events or count towards the endpoint's health a second time.
      const current = batch.filter((r) => applied.has(r.settlement.delivery.id));
      await settleEndpointHealth({ ...health, now: this.deps.now }, current).catch((error) =>
        this.deps.onError(error),
      );
    }
  }
}
