/** One minute of attempts: how many by outcome, and latency percentiles of all of them. */
export interface StatsBucket {
  /** Start of the minute. */
  t: Date;
  attempts: number;
  /** Answered 2xx. */
  delivered: number;
  /** Answered otherwise (non-2xx, timeout, refused...). */
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Per-minute attempt statistics for the charts, always scoped to a tenant unless the caller is an operator. */
export interface DeliveryStats {
  /** Minutes in [since, until) that had attempts, oldest first. */
  perMinute(
    scope: { tenantId?: string; endpointId?: string },
    window: { since: Date; until: Date },
  ): Promise<StatsBucket[]>;
}
