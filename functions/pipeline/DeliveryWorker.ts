import { CIRCUIT_BREAKER_FAILURES, ENDPOINT_CONCURRENCY } from '../core/scheduling/constants.ts';
import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { ClaimedDelivery, DeliveryQueue, NewDelivery } from '../ports/DeliveryQueue.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { type AttemptContext, attemptDelivery, settleAfterInternalError } from './attemptDelivery.ts';
import { OutcomeWriter } from './OutcomeWriter.ts';
import { ReadyDeliveries, type ReadyDelivery } from './ReadyDeliveries.ts';
import type { RelayHandoff } from './RelayLoop.ts';
import type { HealthContext } from './settleEndpointHealth.ts';

export interface DeliveryWorkerOptions extends Partial<WorkerHoldOptions> {
  /** Attempts in flight at once. */
  concurrency: number;
  /** How long a claimed delivery stays hidden; must exceed the attempt timeout. */
  leaseMs: number;
  /** Polling interval for the queue (retries, redrives, expired leases): wake-ups make it faster. */
  pollIntervalMs: number;
  /** Results are written in batches of at most this many, or after flushDelayMs. */
  flushSize: number;
  flushDelayMs: number;
}

/** Defaults: see DeliveryWorker's constructor. */
interface WorkerHoldOptions {
  /**
   * How long after its claim a delivery may still be started: its attempt must end before the
   * lease does, or another worker could claim it meanwhile. Later, it is handed back to the queue.
   */
  startWithinMs: number;
  /** Deliveries held in memory waiting for a slot; past it the relay waits (the outbox holds the rest). */
  holdLimit: number;
  /**
   * Past this many waiting for one endpoint, its new deliveries wait in the queue instead of memory
   * (less for a slow endpoint: see ReadyDeliveries.holdFor). Default: the hold limit.
   */
  holdPerEndpoint: number;
  /** Attempts in flight per endpoint when the endpoint sets no maxConcurrency. */
  endpointConcurrency: number;
  /** Failures in a row after which an endpoint gets one probe in flight until one succeeds. */
  breakerFailures: number;
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
  /**
   * Runs the attempt records and the settlements of a batch as one unit where the store can (one
   * commit instead of two); absent, they are written one after the other.
   */
  together?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Called when the worker has room again after the relay found it full. */
  onRoom?: () => void;
  /** Called with each set of deliveries the worker takes on, claimed or handed over (test seam). */
  onTaken?: (deliveries: readonly ClaimedDelivery[]) => void;
}

/**
 * Keeps up to `concurrency` attempts in flight. Fresh deliveries come from the relay in this
 * process already leased (no claim round trip); retries, redrives and deliveries whose lease ran
 * out come from claims on the queue. Either way they wait in a fair in-memory schedule
 * (ReadyDeliveries) for a slot, and results are written in batches.
 */
export class DeliveryWorker {
  private readonly ready: ReadyDeliveries;
  private inFlight = 0;
  private running = false;
  /** Deliveries being prepared (endpoint and secrets read) before they join `ready`. */
  private preparing = 0;
  private readonly preparations = new Set<Promise<void>>();
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  /** The queue may hold due deliveries this worker has not claimed: claim when a slot frees. */
  private queueMayHaveMore = true;
  private relayWaiting = false;
  /** Since the last handover, the relay left some deliveries in the queue (a slow endpoint). */
  private leftInQueue = false;
  /** Said yes to in the relay step under way, per endpoint: counted as held until it is handed over. */
  private readonly promised = new Map<string, number>();
  private promisedTotal = 0;
  /** When the relay step under way started: its leases started no earlier. */
  private stepStartedAt = 0;
  private readonly releases = new Set<Promise<void>>();
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: { timer: NodeJS.Timeout; at: number } | undefined;
  private rateTimer: { timer: NodeJS.Timeout; at: number } | undefined;
  private readonly outcomes: OutcomeWriter;
  private readonly idleWaiters: (() => void)[] = [];

  private readonly options: Required<DeliveryWorkerOptions>;

  constructor(
    private readonly deps: DeliveryWorkerDependencies,
    options: DeliveryWorkerOptions,
  ) {
    this.options = {
      // Started this late, an attempt still ends well before its lease (see startWithinMs).
      startWithinMs: Math.max(options.leaseMs / 4, 250),
      holdLimit: Math.max(2 * options.concurrency, 1_000),
      holdPerEndpoint: Math.max(2 * options.concurrency, 1_000),
      endpointConcurrency: ENDPOINT_CONCURRENCY.default,
      breakerFailures: CIRCUIT_BREAKER_FAILURES,
      ...options,
    };
    this.outcomes = new OutcomeWriter(
      { ...deps, onRetry: (delayMs) => this.claimAfter(delayMs) },
      { flushSize: this.options.flushSize, flushDelayMs: this.options.flushDelayMs },
    );
    this.ready = new ReadyDeliveries({
      endpointConcurrency: this.options.endpointConcurrency,
      breakerFailures: this.options.breakerFailures,
      holdPerEndpoint: this.options.holdPerEndpoint,
      startWithinMs: this.options.startWithinMs,
    });
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** The relay's side of the in-memory handover (see RelayLoop). */
  handoff(): RelayHandoff {
    return {
      leaseMs: this.options.leaseMs,
      wants: (delivery: NewDelivery) => {
        const endpointId = delivery.endpointId;
        const promised = this.promised.get(endpointId) ?? 0;
        // The total is bounded by the size of each relay step (room), not here: refusing part of a
        // batch for want of room would leave those deliveries due in the queue, and the enqueue
        // then leases nothing more for their endpoints until a claim has taken them.
        const wanted =
          this.running &&
          !this.ready.isTripped(endpointId) &&
          this.ready.waitingFor(endpointId) + promised < this.ready.holdFor(endpointId);
        if (wanted) {
          this.promised.set(endpointId, promised + 1);
          this.promisedTotal++;
        } else {
          this.leftInQueue = true;
        }
        return wanted;
      },
      // Called before each relay step. A stopped worker takes nothing in memory: the relay then
      // leaves everything to the queue, in full batches.
      room: () => {
        this.forgetPromises();
        this.stepStartedAt = this.deps.now().getTime();
        if (!this.running) return Number.POSITIVE_INFINITY;
        const room = this.options.holdLimit - this.held();
        if (room <= 0) this.relayWaiting = true;
        return room;
      },
      accept: (deliveries) => {
        this.forgetPromises();
        // Some of the batch went to the queue instead (a slow endpoint): claim those in turn.
        if (this.leftInQueue) this.queueMayHaveMore = true;
        this.leftInQueue = false;
        if (!this.running) {
          void this.release(deliveries);
          return;
        }
        void this.take(deliveries, this.stepStartedAt || this.deps.now().getTime());
      },
    };
  }

  private forgetPromises(): void {
    this.promised.clear();
    this.promisedTotal = 0;
  }

  /** Something may be due in the queue now (NOTIFY, a redrive, a retry's delay ran out, the poll). */
  wake(): void {
    if (!this.running) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claim().finally(() => {
      this.claiming = undefined;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer?.timer);
    clearTimeout(this.rateTimer?.timer);
    this.retryTimer = undefined;
    this.rateTimer = undefined;
    await this.claiming;
    while (this.preparations.size > 0) await Promise.all(this.preparations);
    // What never started goes back to the queue now, not when its lease runs out.
    await this.release(this.ready.drain().map((r) => r.delivery));
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.outcomes.flush();
    while (this.releases.size > 0) await Promise.all(this.releases);
  }

  /** Attempts running now for one endpoint (deliveries held in memory but not started excluded). */
  attemptsInFlight(endpointId: string): number {
    return this.ready.inFlightFor(endpointId);
  }

  private held(): number {
    return this.ready.size + this.preparing + this.promisedTotal;
  }

  private async claim(): Promise<void> {
    clearTimeout(this.pollTimer);
    try {
      do {
        this.claimAgain = false;
        // Room for what is due in the queue even while the relay keeps memory busy (else retries
        // and redrives would wait for a burst to end), within the hold limit.
        const free = Math.min(
          this.options.holdLimit - this.held(),
          Math.max(
            this.options.concurrency - this.inFlight - this.held(),
            Math.ceil(this.options.concurrency / 4),
          ),
        );
        if (free <= 0) break;
        const claimedAt = this.deps.now().getTime();
        const claimed = await this.deps.queue.claim(free, this.options.leaseMs);
        this.queueMayHaveMore = claimed.length > 0;
        if (claimed.length > 0) await this.take(claimed, claimedAt);
        if (claimed.length === free) this.claimAgain = true;
      } while (this.running && this.claimAgain);
    } catch (error) {
      this.deps.onError(error);
    } finally {
      if (this.running) this.pollTimer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
    }
  }

  /** Reads what the attempts need (endpoints, secrets) once per batch, then schedules them. */
  /** `leasedAt`: no later than the start of the lease (the claim's or the relay step's). */
  private take(claimed: ClaimedDelivery[], leasedAt: number): Promise<void> {
    this.deps.onTaken?.(claimed);
    this.preparing += claimed.length;
    const preparation = this.prepare(claimed, leasedAt)
      .catch(async (error) => {
        // Without the endpoint or its secrets nothing can be attempted: back to the queue.
        this.deps.onError(error);
        await this.release(claimed);
      })
      .finally(() => {
        this.preparing -= claimed.length;
        this.preparations.delete(preparation);
        this.dispatch();
      });
    this.preparations.add(preparation);
    return preparation;
  }

  private async prepare(claimed: ClaimedDelivery[], leasedAt: number): Promise<void> {
    const endpointIds = [...new Set(claimed.map((d) => d.endpointId))];
    const [endpoints, secrets] = await Promise.all([
      this.deps.subscriptions.getEndpointsByIds(endpointIds),
      this.deps.secrets.activeSecrets(endpointIds),
    ]);
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const sendBy = leasedAt + this.options.startWithinMs;
    for (const delivery of claimed) {
      this.ready.add({
        delivery,
        endpoint: byId.get(delivery.endpointId),
        secrets: secrets.get(delivery.endpointId) ?? [],
        sendBy,
      });
    }
  }

  /** Starts attempts while there are free slots and deliveries their endpoints may take now. */
  private dispatch(): void {
    // Once stopping, nothing new starts: what is held goes back to the queue (see stop).
    if (!this.running) return;
    const now = this.deps.now().getTime();
    const late: ClaimedDelivery[] = [];
    while (this.inFlight < this.options.concurrency) {
      const taken = this.ready.take(now);
      for (const r of taken.late) late.push(r.delivery);
      if (taken.wakeAt !== undefined) this.dispatchAt(taken.wakeAt);
      if (!taken.ready) break;
      this.launch(taken.ready);
    }
    // Too late to start within their leases: back to the queue for a fresh claim.
    if (late.length > 0) void this.release(late);
    if (this.relayWaiting && this.held() < this.options.holdLimit / 2) {
      this.relayWaiting = false;
      this.deps.onRoom?.();
    }
  }

  private dispatchAt(at: number): void {
    if (this.rateTimer && this.rateTimer.at <= at) return;
    clearTimeout(this.rateTimer?.timer);
    const timer = setTimeout(
      () => {
        this.rateTimer = undefined;
        this.dispatch();
      },
      Math.max(0, at - this.deps.now().getTime()),
    );
    this.rateTimer = { timer, at };
  }

  private launch({ delivery, endpoint, secrets }: ReadyDelivery): void {
    this.inFlight++;
    const startedAt = Date.now();
    attemptDelivery(this.deps, delivery, endpoint, secrets)
      .catch((error) => {
        this.deps.onError(error);
        return settleAfterInternalError(this.deps, delivery, error);
      })
      .then((result) => {
        const kind = result.settlement.kind;
        this.ready.finished(
          delivery,
          result.attempt ? kind === 'delivered' : null,
          result.attempt ? Date.now() - startedAt : null,
        );
        // The endpoint answered 410 and is being disabled: what waits for it goes back to the
        // queue (where it is dead-lettered as disabled) instead of being sent after the 410.
        if (result.disableEndpoint) {
          const gone = result.disableEndpoint.endpointId;
          void this.release(this.ready.drain((r) => r.delivery.endpointId === gone).map((r) => r.delivery));
        }
        this.outcomes.add(result);
      })
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        this.dispatch();
        // Claims happen only when the queue may have due work (see claim and handoff.accept).
        if (this.queueMayHaveMore && this.ready.size === 0) this.wake();
      });
  }

  /** Deliveries this worker will not attempt go back to the queue at once (not at lease end). */
  private async release(deliveries: ClaimedDelivery[]): Promise<void> {
    const queue = this.deps.queue;
    if (deliveries.length === 0 || !queue.release) return;
    const released = queue.release(deliveries).then(
      () => {
        this.queueMayHaveMore = true;
      },
      (error) => this.deps.onError(error),
    );
    this.releases.add(released);
    await released.finally(() => this.releases.delete(released));
  }

  private claimAfter(delayMs: number): void {
    if (!this.running) return;
    // Real time: the queue's due times are the database's clock, not a test's moved one.
    const at = Date.now() + Math.max(0, delayMs);
    if (this.retryTimer && this.retryTimer.at <= at) return;
    clearTimeout(this.retryTimer?.timer);
    const timer = setTimeout(() => {
      this.retryTimer = undefined;
      this.queueMayHaveMore = true;
      this.wake();
    }, at - Date.now());
    this.retryTimer = { timer, at };
  }
}
