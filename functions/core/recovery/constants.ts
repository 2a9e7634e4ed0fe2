/** A recovery job's life: queued batch by batch while running, then done (or failed, with a reason). */
export const RECOVERY_STATUS = {
  running: 'running',
  done: 'done',
  failed: 'failed',
} as const;

export type RecoveryStatus = (typeof RECOVERY_STATUS)[keyof typeof RECOVERY_STATUS];

export const RECOVERY_LIMITS = {
  /** Deliveries queued again per batch (one short transaction each) unless configured otherwise. */
  defaultBatchSize: 500,
  maxBatchSize: 10_000,
} as const;
