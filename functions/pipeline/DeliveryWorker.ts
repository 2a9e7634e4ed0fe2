import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { ClaimedDelivery, DeliveryQueue } from '../ports/DeliveryQueue.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import {
  type AttemptContext,
  type AttemptResult,
  attemptDelivery,
  settleAfterInternalError,
} from './attemptDelivery.ts';
import { type HealthContext, settleEndpointHealth } from './settleEndpointHealth.ts';

export interface DeliveryWorkerOptions {
  /** Attempts in flight at once. */
  concurrency: number;
  /** How long a claimed delivery stays hidden; must exceed the attempt timeout. */
  leaseMs: number;
  /** Polling interval when idle: wake-ups make it faster, never required. */
  pollIntervalMs: number;
  /** Results are written in batches of at most this many, or after flushDelayMs. */
  flushSize: number;
  flushDelayMs: number;
}

export interface DeliveryWorkerDependencies extends AttemptContext {
  queue: DeliveryQueue;
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  log: DeliveryLog;
  onError: (error: unknown) => void;
  /**
   * Endpoint health and operational events. Without it, a 410 still disables the endpoint, but
   * nothing is auto-disabled and no operational event is recorded.
   */
  health?: Omit<HealthContext, 'now'>;
}

/**
 * Keeps up to `concurrency` attempts in flight: claims due deliveries in batches as slots free up,
 * and writes attempt records and outcomes in batches. A slow endpoint holds only its own slots.
 */
export class DeliveryWorker {
  private inFlight = 0;
  private running = false;
  private pumping = false;
  private pumped: Promise<void> = Promise.resolve();
  private wakeRequested = false;
  /** The last claim filled every free slot: a finished attempt may be all that holds the next one back. */
  private boundByConcurrency = true;
  private timer: NodeJS.Timeout | undefined;
  private pending: AttemptResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: DeliveryWorkerDependencies,
    private readonly options: DeliveryWorkerOptions,
  ) {}

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Something may be due now (NOTIFY, a redrive, a retry timer). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.wakeRequested = true;
      return;
    }
    this.pumped = this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    // A claim already on its way launches what it took; wait for it, then for those attempts.
    await this.pumped;
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.flush();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    clearTimeout(this.timer);
    try {
      do {
        this.wakeRequested = false;
        const free = this.options.concurrency - this.inFlight;
        if (free <= 0) break;
        const claimed = await this.deps.queue.claim(free, this.options.leaseMs);
        if (claimed.length > 0) await this.launch(claimed);
        this.boundByConcurrency = claimed.length === free;
        if (this.boundByConcurrency) this.wakeRequested = true;
      } while (this.running && this.wakeRequested);
    } catch (error) {
      this.deps.onError(error);
    } finally {
      this.pumping = false;
      if (this.running) this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
    }
  }

  private async launch(claimed: ClaimedDelivery[]): Promise<void> {
    const endpointIds = [...new Set(claimed.map((d) => d.endpointId))];
    const [endpoints, secrets] = await Promise.all([
      this.deps.subscriptions.getEndpointsByIds(endpointIds),
      this.deps.secrets.activeSecrets(endpointIds),
    ]);
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    for (const delivery of claimed) {
      this.inFlight++;
      attemptDelivery(
        this.deps,
        delivery,
        byId.get(delivery.endpointId),
        secrets.get(delivery.endpointId) ?? [],
      )
        .catch((error) => {
          this.deps.onError(error);
          return settleAfterInternalError(this.deps, delivery, error);
        })
        .then((result) => this.collect(result))
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
          // Otherwise the queue held the last claim back (endpoint caps count attempts until they
          // are settled), and the flush that settles this attempt wakes the worker instead: a claim
          // per finished attempt would mostly come back empty.
          if (this.boundByConcurrency) this.wake();
        });
    }
  }

  private collect(result: AttemptResult): void {
    this.pending.push(result);
    if (this.pending.length >= this.options.flushSize) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushDelayMs);
  }

  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return this.flushing;
    // Settling frees the endpoints' caps in the queue (a claim counts unsettled attempts as in
    // flight), so claim again now rather than at the next poll.
    this.flushing = this.flushing.then(() => this.write(batch)).then(() => this.wake());
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
    // Attempts first: if we crash before settling, the lease expires and the delivery is tried
    // again (at-least-once, same webhook-id) with its earlier attempt already on record.
    await this.deps.log.record(batch.flatMap((r) => (r.attempt ? [r.attempt] : [])));
    const health = this.deps.health;
    if (!health) {
      for (const r of batch) {
        if (r.disableEndpoint) {
          const { tenantId, endpointId, reason } = r.disableEndpoint;
          await this.deps.subscriptions.disableEndpoint(tenantId, endpointId, reason);
        }
      }
    }
    const { applied } = await this.deps.queue.settle(batch.map((r) => r.settlement));
    // After settling, so a batch re-written one by one (see write) counts each outcome once; a
    // failure here costs at most some operational events, never a delivery.
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
