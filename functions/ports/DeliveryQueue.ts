export interface NewDelivery {
  eventId: string;
  endpointId: string;
  tenantId: string;
  /** Carried for transports that ship the event with the delivery (EventBridge, SQS). */
  eventType: string;
  body: string;
  /**
   * Set where the relay numbers deliveries before publishing them (AWS: numberedPublisher); the
   * transport carries it to the deliverer, which sends it as `webhook-sequence`.
   */
  sequence?: number;
  /**
   * Set by the relay for per-key endpoints when the source gave the event a key: a transport that
   * orders by itself (the AWS FIFO queue) keeps the deliveries of one (endpoint, key) in this order.
   */
  orderingKey?: string;
}

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  tenantId: string;
  eventType: string;
  /** Exact event JSON text. */
  body: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Proof of this claim; settling with an older receipt is ignored. */
  receipt: string;
  /**
   * The endpoint's sequence number of this delivery (1, 2, 3, ... in commit order), sent as
   * `webhook-sequence`. Absent where nothing numbered it (AWS messages published before migration 0021).
   */
  sequence?: number;
  /**
   * Set for deliveries to a per-key endpoint (ordering 'per-key') that have a key: the next one of
   * the key becomes due when this one is delivered, dead-lettered or discarded.
   */
  orderingKey?: string;
}

export type Settlement =
  | { delivery: ClaimedDelivery; kind: 'delivered'; status: number }
  | { delivery: ClaimedDelivery; kind: 'retry'; delayMs: number; status: number | null; error: string }
  | { delivery: ClaimedDelivery; kind: 'dead'; status: number | null; error: string }
  /** The endpoint is gone: nothing to deliver to and nothing to redrive. */
  | { delivery: ClaimedDelivery; kind: 'discarded'; error: string };

export interface SettleResult {
  /** Ids of the deliveries whose settlement was stored. */
  applied: ReadonlySet<string>;
}

/** A delivery the transport refused and will refuse again as it is (e.g. over its size limit). */
export interface RejectedDelivery {
  eventId: string;
  endpointId: string;
  reason: string;
}

export interface EnqueueResult {
  /** Deliveries newly handed to the transport (duplicates of earlier enqueues are not counted). */
  enqueued: number;
  /** Deliveries the transport will never take as they are; the relay records them on the event. */
  rejected: RejectedDelivery[];
  /**
   * The deliveries written already claimed by the caller (see EnqueueOptions.leaseMs), with their
   * receipts: the caller attempts them without a claim. Absent when none were asked for or the
   * transport cannot do that.
   */
  leased?: ClaimedDelivery[];
}

export interface EnqueueOptions {
  /**
   * Write the deliveries this returns true for already claimed by the caller for `leaseMs`, as a
   * claim would (attempt 1, a new receipt): a relay that runs beside its deliverer hands fresh work
   * over in memory instead of a round trip through the queue. If the caller dies, the lease runs out
   * and the deliveries are claimed like any other.
   */
  lease?: { leaseMs: number; wants: (delivery: NewDelivery) => boolean };
}

/**
 * Deliveries waiting for their next attempt (a table locally). On AWS the parts are separate:
 * the relay publishes (EventBridge → SQS) and the deliver Lambda receives claimed messages from
 * its event source and settles them, hence the two narrower views below.
 */
export interface DeliveryQueue {
  /**
   * Idempotent per (event, endpoint): re-enqueueing after a crash adds nothing. A transport may
   * refuse individual deliveries (returned in `rejected`, the rest still enqueued); a failure that a
   * later call could overcome is thrown instead, so the relay leaves the batch for the next run.
   */
  enqueue(deliveries: readonly NewDelivery[], options?: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Takes up to `limit` due deliveries and hides them for `leaseMs` (visibility timeout). An adapter
   * may hand out fewer than are due, in an order of its choosing, to be fair (the PostgreSQL queue
   * keeps each endpoint within its concurrency cap and rate limit and takes turns across tenants).
   */
  claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * Stores outcomes. A settlement from a claim that is no longer current (its lease ran out and the
   * delivery was claimed again, or it was settled already) is ignored: only the applied ones are
   * returned, so nothing else (endpoint health, operational events, metrics) acts on a stale one.
   */
  settle(settlements: readonly Settlement[]): Promise<SettleResult>;
  /**
   * Hands claimed deliveries back unattempted (a worker stopping, or one that could not start them
   * in time), due at once and with the attempt not counted; a stale receipt is ignored. Without it,
   * they come back when their lease runs out.
   */
  release?(deliveries: readonly ClaimedDelivery[]): Promise<void>;
}

/** What the relay needs: hand new deliveries to the transport. */
export type DeliveryPublisher = Pick<DeliveryQueue, 'enqueue'>;

/** What a deliverer that is handed its deliveries (an SQS-triggered Lambda) needs. */
export type DeliverySettler = Pick<DeliveryQueue, 'settle'>;
