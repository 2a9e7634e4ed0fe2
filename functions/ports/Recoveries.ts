import type { RecoveryJob } from '../core/recovery/RecoveryJob.ts';

/** Who asks: a tenant key sees only its tenant (tenantId set); the admin token every tenant. */
export interface RecoveryScope {
  tenantId?: string;
}

/** Deliveries to a disabled endpoint are dead-lettered at once: re-sending to one is refused. */
type EndpointOutcome = { kind: 'unknown_endpoint' } | { kind: 'endpoint_disabled' };

export type ResendOutcome =
  | { kind: 'queued'; deliveryId: string; eventId: string; endpointId: string }
  | EndpointOutcome
  /**
   * An attempt of it is under way right now: queuing it again would race that attempt's outcome
   * (its settlement would mark the resend delivered). The caller asks again once it has finished.
   */
  | { kind: 'in_flight' }
  /** The event exists for the tenant but was never matched to this endpoint (types, filter, time). */
  | { kind: 'not_matched' }
  | { kind: 'unknown_event' }
  /** Its outbox row is gone: older than the retention window; `retainedFrom` is the oldest kept. */
  | { kind: 'beyond_retention'; retainedFrom: Date | null };

export type StartOutcome = { kind: 'started'; job: RecoveryJob } | EndpointOutcome;

/** Resend one event and start or read recover jobs (the API's side). */
export interface Recoveries {
  resend(scope: RecoveryScope, endpointId: string, eventId: string): Promise<ResendOutcome>;
  /** `until` is the end of the window, already checked (checkRecoveryWindow). */
  start(
    scope: RecoveryScope,
    endpointId: string,
    window: { since: Date; until: Date },
  ): Promise<StartOutcome>;
  get(scope: RecoveryScope, id: string): Promise<RecoveryJob | undefined>;
}

export interface RecoveryBatch {
  jobId: string;
  /** Deliveries queued again by this batch. */
  queued: number;
  finished: boolean;
  /** Stopped before a delivery with an attempt in flight: try this job again later, not at once. */
  blocked: boolean;
}

/** The background side: queue the next batch of one running job, if any (its position committed with it). */
export interface RecoveryJobs {
  runBatch(limit: number): Promise<RecoveryBatch | null>;
  /** Tells the deliverers that deliveries were queued (they also poll). */
  wake(): Promise<void>;
}
