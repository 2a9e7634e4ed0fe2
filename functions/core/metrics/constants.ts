/**
 * The one list of metric names, for both backends: Prometheus (`/metrics`, local runtime) and
 * CloudWatch EMF (Lambda handlers, namespace `Rowhook`). Prometheus conventions (snake case, unit
 * suffix, `_total` for counters) are valid CloudWatch names too, so a dashboard or alarm can be
 * ported by swapping the backend, not the names. Labels become EMF dimensions only where their
 * values are bounded (see `emfDimensions`); per-tenant series exist in Prometheus only.
 */

export const METRIC_TYPE = { counter: 'counter', histogram: 'histogram', gauge: 'gauge' } as const;

/** CloudWatch unit names (Powertools' MetricUnit values) for the EMF side. */
export const METRIC_UNIT = { count: 'Count', seconds: 'Seconds' } as const;

/** Attempt durations in seconds: a fast receiver answers in tens of ms, the timeout is 15 s (≤ 120 s). */
export const ATTEMPT_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120,
] as const;

export const METRICS = {
  /** Age of the oldest committed outbox event the relay has not published yet; 0 when none wait. */
  outboxLag: {
    name: 'rowhook_outbox_lag_seconds',
    type: METRIC_TYPE.gauge,
    unit: METRIC_UNIT.seconds,
    help: 'Age of the oldest committed outbox event not yet relayed (0 when none wait)',
    labels: [],
    emfDimensions: [],
  },
  /** Deliveries not settled yet, by whether an attempt is due, waiting or in flight. */
  queueDepth: {
    name: 'rowhook_queue_depth',
    type: METRIC_TYPE.gauge,
    unit: METRIC_UNIT.count,
    help: 'Pending deliveries: ready (due now), scheduled (waiting for a retry), in_flight (being attempted)',
    labels: ['state'],
    emfDimensions: ['state'],
  },
  /** One per settled delivery attempt (or delivery settled without an attempt), by outcome. */
  deliveries: {
    name: 'rowhook_deliveries_total',
    type: METRIC_TYPE.counter,
    unit: METRIC_UNIT.count,
    help: 'Settled deliveries by outcome: delivered, retry (another attempt scheduled), dead, discarded',
    labels: ['outcome'],
    emfDimensions: ['outcome'],
  },
  /** Time from sending the request to the end of the response (or the failure), per attempt. */
  attemptDuration: {
    name: 'rowhook_attempt_duration_seconds',
    type: METRIC_TYPE.histogram,
    unit: METRIC_UNIT.seconds,
    help: 'Webhook attempt latency by result: the status class (2xx..5xx) or the network error class',
    labels: ['result'],
    emfDimensions: ['result'],
    buckets: ATTEMPT_DURATION_BUCKETS,
  },
  /** Dead-lettered deliveries waiting for an operator (redrive or discard), per tenant. */
  deadLetters: {
    name: 'rowhook_dead_letters',
    type: METRIC_TYPE.gauge,
    unit: METRIC_UNIT.count,
    help: 'Dead-lettered deliveries waiting for an operator, per tenant (tenants with none are omitted)',
    labels: ['tenant'],
    // Unbounded (one per tenant): never a CloudWatch dimension, where each series is billed.
    emfDimensions: [],
  },
} as const;

export type MetricDefinition = (typeof METRICS)[keyof typeof METRICS];
export type CounterMetric = Extract<MetricDefinition, { type: 'counter' }>;
export type HistogramMetric = Extract<MetricDefinition, { type: 'histogram' }>;
export type GaugeMetric = Extract<MetricDefinition, { type: 'gauge' }>;

/** A label value for each of the metric's labels. */
export type LabelsOf<M extends MetricDefinition> = { [K in M['labels'][number]]: string };

/** Values of `rowhook_deliveries_total{outcome}`: the settlement kinds. */
export const DELIVERY_OUTCOME = {
  delivered: 'delivered',
  retry: 'retry',
  dead: 'dead',
  discarded: 'discarded',
} as const;

/**
 * Values of `rowhook_queue_depth{state}`: due now (including a lease that ran out, its worker gone);
 * waiting for a retry's delay; leased to an attempt in flight (SQS: visible, delayed, not visible).
 */
export const QUEUE_STATE = { ready: 'ready', scheduled: 'scheduled', inFlight: 'in_flight' } as const;

/**
 * At most this many tenants are reported by `rowhook_dead_letters` (those with the most dead
 * letters), so one scrape stays small however many tenants have some.
 */
export const DEAD_LETTER_TENANT_LIMIT = 1_000;
