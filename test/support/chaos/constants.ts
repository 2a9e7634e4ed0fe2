/**
 * Places in the local pipeline where a chaos test may have the runtime SIGKILL itself, to land a
 * crash exactly between two steps whose order the delivery guarantees depend on.
 */
export const KILL_POINT = {
  /** Deliveries inserted, the outbox batch not yet marked published (same transaction). */
  relayEnqueued: 'relay-enqueued',
  /** The relay transaction committed. */
  relayCommitted: 'relay-committed',
  /** Deliveries leased to this worker, nothing sent yet. */
  claimed: 'claimed',
  /** The receiver answered; the result is not yet written. */
  sent: 'sent',
  /** A batch of results is being flushed: attempts recorded, deliveries not yet settled. */
  beforeSettle: 'before-settle',
  /** A batch of results is settled. */
  settled: 'settled',
  /** A recover job's batch is queued again and its position committed. */
  recoveryQueued: 'recovery-queued',
} as const;

export type KillPoint = (typeof KILL_POINT)[keyof typeof KILL_POINT];

/** `<point>:<n>`: die the n-th time <point> is reached. Unset in production: nothing is wrapped. */
export const KILL_AT_VARIABLE = 'ROWHOOK_CHAOS_KILL_AT';

/**
 * The runtime settings the SIGKILL chaos tests run under. The lease is 2 x timeout + 1 s: short
 * enough that crashed claims come back within the test, long enough that a starved CPU does not
 * turn slow answers into timeouts (throttled for 30 s). Enough retries that the receiver's injected
 * 500s never exhaust one.
 */
export const CHAOS_RUNTIME_ENV = {
  ROWHOOK_DELIVERY_TIMEOUT: '4s',
  ROWHOOK_RETRY_SCHEDULE: Array(10).fill('50ms').join(','),
  ROWHOOK_POLL_INTERVAL: '50ms',
  ROWHOOK_SWEEP_INTERVAL: '250ms',
} as const;
