import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import type { ClaimedDelivery } from '../ports/DeliveryQueue.ts';

/** A claimed delivery waiting in memory for a free slot, with what its attempt needs. */
export interface ReadyDelivery {
  delivery: ClaimedDelivery;
  /** Undefined: the endpoint is gone (the attempt discards the delivery). */
  endpoint: Endpoint | undefined;
  secrets: readonly string[];
  /** After this (ms since epoch) the attempt could outlive its lease: leave it to a claim instead. */
  sendBy: number;
}

export interface ReadyDeliveriesOptions {
  /** Attempts in flight per endpoint when the endpoint sets no maxConcurrency. */
  endpointConcurrency: number;
  /** Failures in a row after which an endpoint gets one probe in flight until one succeeds. */
  breakerFailures: number;
  /** Deliveries waiting for one endpoint at most, however fast it answers. */
  holdPerEndpoint: number;
  /** How long a delivery may wait for its slot (see DeliveryWorker's startWithinMs). */
  startWithinMs: number;
}

interface Lane {
  endpointId: string;
  tenantId: string;
  waiting: ReadyDelivery[];
  head: number;
  inFlight: number;
  /** Failed attempts in a row seen by this process (a success resets it). */
  failures: number;
  maxConcurrency: number | null;
  rate: number | null;
  tokens: number;
  tokensAt: number;
  /** Moving average of this endpoint's attempt durations (ms); null before the first. */
  averageMs: number | null;
}

interface TenantTurn {
  lanes: Lane[];
  /** Index of the lane served next within this tenant. */
  next: number;
}

/**
 * The deliverer's in-memory scheduler: what this process holds to attempt, handed out round-robin
 * over tenants, then over each tenant's endpoints, each endpoint within its concurrency cap (one
 * probe while its circuit breaker is open) and rate limit. The same rules the database claim
 * applies across processes, applied here without a round trip per attempt, so one tenant's backlog
 * or an endpoint that never answers only ever waits behind itself.
 */
export class ReadyDeliveries {
  private readonly lanes = new Map<string, Lane>();
  private readonly tenants = new Map<string, TenantTurn>();
  private tenantOrder: string[] = [];
  private nextTenant = 0;
  private waitingCount = 0;

  constructor(private readonly options: ReadyDeliveriesOptions) {}

  /** Deliveries waiting for a slot (not in flight). */
  get size(): number {
    return this.waitingCount;
  }

  waitingFor(endpointId: string): number {
    const lane = this.lanes.get(endpointId);
    return lane ? lane.waiting.length - lane.head : 0;
  }

  /**
   * How many deliveries this endpoint may have waiting: what its slots get through in half the
   * start window at its recent pace (a slow endpoint holds few, so they never wait past their
   * start-by time and never fill the memory others need), at most holdPerEndpoint; 20 rounds of
   * its slots until an attempt has ended.
   */
  holdFor(endpointId: string): number {
    const lane = this.lanes.get(endpointId);
    // Pace unknown (no attempt has ended yet, perhaps because none ever does): a few rounds' worth.
    if (!lane || lane.averageMs === null) {
      const cap = lane ? this.capOf(lane) : this.options.endpointConcurrency;
      return Math.min(this.options.holdPerEndpoint, 20 * cap);
    }
    const pace = (this.capOf(lane) * this.options.startWithinMs) / 2 / Math.max(lane.averageMs, 1);
    return Math.max(1, Math.min(this.options.holdPerEndpoint, Math.floor(pace)));
  }

  inFlightFor(endpointId: string): number {
    return this.lanes.get(endpointId)?.inFlight ?? 0;
  }

  /** Whether the endpoint's circuit breaker is open as far as this process has seen. */
  isTripped(endpointId: string): boolean {
    return (this.lanes.get(endpointId)?.failures ?? 0) >= this.options.breakerFailures;
  }

  add(ready: ReadyDelivery): void {
    const lane = this.laneOf(ready.delivery.endpointId, ready.delivery.tenantId);
    if (ready.endpoint) {
      lane.maxConcurrency = ready.endpoint.maxConcurrency ?? null;
      if ((ready.endpoint.rateLimitPerSecond ?? null) !== lane.rate) {
        lane.rate = ready.endpoint.rateLimitPerSecond ?? null;
        lane.tokens = lane.rate ?? 0;
        lane.tokensAt = 0;
      }
    }
    lane.waiting.push(ready);
    this.waitingCount++;
  }

  /**
   * The next delivery to attempt at `now`, counted in flight until `finished`; undefined when every
   * waiting delivery is held back by its endpoint's cap or rate limit. `wakeAt` tells the caller
   * when a rate limit will next allow one (undefined: nothing waits on a rate limit).
   */
  take(now: number): { ready: ReadyDelivery | undefined; wakeAt: number | undefined; late: ReadyDelivery[] } {
    let wakeAt: number | undefined;
    const late: ReadyDelivery[] = [];
    const tenantCount = this.tenantOrder.length;
    for (let t = 0; t < tenantCount; t++) {
      const tenantIndex = (this.nextTenant + t) % tenantCount;
      const turn = this.tenants.get(this.tenantOrder[tenantIndex] as string) as TenantTurn;
      const laneCount = turn.lanes.length;
      for (let l = 0; l < laneCount; l++) {
        const laneIndex = (turn.next + l) % laneCount;
        const lane = turn.lanes[laneIndex] as Lane;
        // Past their start-by time: out before they take a slot or a token (see DeliveryWorker).
        while (lane.head < lane.waiting.length && (lane.waiting[lane.head] as ReadyDelivery).sendBy < now) {
          late.push(this.shift(lane));
        }
        if (lane.head >= lane.waiting.length) continue;
        if (lane.inFlight >= this.capOf(lane)) continue;
        if (lane.rate !== null) {
          this.refill(lane, now);
          if (lane.tokens < 1) {
            const at = now + Math.ceil(((1 - lane.tokens) / lane.rate) * 1000);
            wakeAt = wakeAt === undefined ? at : Math.min(wakeAt, at);
            continue;
          }
          lane.tokens -= 1;
        }
        const ready = this.shift(lane);
        lane.inFlight++;
        turn.next = (laneIndex + 1) % laneCount;
        this.nextTenant = (tenantIndex + 1) % tenantCount;
        return { ready, wakeAt, late };
      }
    }
    this.forgetIdle();
    return { ready: undefined, wakeAt, late };
  }

  private shift(lane: Lane): ReadyDelivery {
    const ready = lane.waiting[lane.head] as ReadyDelivery;
    lane.waiting[lane.head] = undefined as never;
    lane.head++;
    if (lane.head > 64 && lane.head * 2 > lane.waiting.length) {
      lane.waiting = lane.waiting.slice(lane.head);
      lane.head = 0;
    }
    this.waitingCount--;
    return ready;
  }

  /**
   * An attempt ended (or was never started: durationMs null); `succeeded` null when it says
   * nothing about the endpoint (discarded, or not attempted).
   */
  finished(delivery: ClaimedDelivery, succeeded: boolean | null, durationMs: number | null = null): void {
    const lane = this.lanes.get(delivery.endpointId);
    if (!lane) return;
    lane.inFlight = Math.max(0, lane.inFlight - 1);
    if (durationMs !== null) {
      lane.averageMs = lane.averageMs === null ? durationMs : 0.8 * lane.averageMs + 0.2 * durationMs;
    }
    if (succeeded === true) lane.failures = 0;
    else if (succeeded === false) lane.failures++;
  }

  /** Takes every waiting delivery out (stopping, or handing them back to the queue). */
  drain(filter: (ready: ReadyDelivery) => boolean = () => true): ReadyDelivery[] {
    const out: ReadyDelivery[] = [];
    for (const lane of this.lanes.values()) {
      const kept: ReadyDelivery[] = [];
      for (let i = lane.head; i < lane.waiting.length; i++) {
        const ready = lane.waiting[i] as ReadyDelivery;
        (filter(ready) ? out : kept).push(ready);
      }
      lane.waiting = kept;
      lane.head = 0;
    }
    this.waitingCount -= out.length;
    return out;
  }

  private capOf(lane: Lane): number {
    if (lane.failures >= this.options.breakerFailures) return 1;
    return lane.maxConcurrency ?? this.options.endpointConcurrency;
  }

  private refill(lane: Lane, now: number): void {
    const rate = lane.rate as number;
    if (lane.tokensAt === 0) lane.tokens = rate;
    else lane.tokens = Math.min(rate, lane.tokens + ((now - lane.tokensAt) / 1000) * rate);
    lane.tokensAt = now;
  }

  private laneOf(endpointId: string, tenantId: string): Lane {
    let lane = this.lanes.get(endpointId);
    if (lane) return lane;
    lane = {
      endpointId,
      tenantId,
      waiting: [],
      head: 0,
      inFlight: 0,
      failures: 0,
      maxConcurrency: null,
      rate: null,
      tokens: 0,
      tokensAt: 0,
      averageMs: null,
    };
    this.lanes.set(endpointId, lane);
    let turn = this.tenants.get(tenantId);
    if (!turn) {
      turn = { lanes: [], next: 0 };
      this.tenants.set(tenantId, turn);
      this.tenantOrder.push(tenantId);
    }
    turn.lanes.push(lane);
    return lane;
  }

  /**
   * Lanes with nothing waiting or in flight and a healthy streak are dropped, so the scan stays
   * as long as the set of busy endpoints (a failing streak is kept: it is the breaker's memory).
   */
  private forgetIdle(): void {
    if (this.lanes.size < 256) return;
    for (const [endpointId, lane] of this.lanes) {
      if (lane.inFlight === 0 && lane.head >= lane.waiting.length && lane.failures === 0) {
        this.lanes.delete(endpointId);
        const turn = this.tenants.get(lane.tenantId);
        if (turn) turn.lanes = turn.lanes.filter((l) => l !== lane);
      }
    }
    for (const [tenantId, turn] of this.tenants) {
      if (turn.lanes.length === 0) this.tenants.delete(tenantId);
      else turn.next %= turn.lanes.length;
    }
    this.tenantOrder = [...this.tenants.keys()];
    this.nextTenant = this.tenantOrder.length ? this.nextTenant % this.tenantOrder.length : 0;
  }
}
