import type { RecoveryStatus } from './constants.ts';

/** One recover request: every delivery of an endpoint whose event occurred in [since, until). */
export interface RecoveryJob {
  id: string;
  tenantId: string;
  endpointId: string;
  since: Date;
  until: Date;
  /**
   * Set when `since` reached further back than the oldest event still kept (the retention window):
   * nothing older can be re-sent, and this is how far back the job could go.
   */
  truncatedAt: Date | null;
  status: RecoveryStatus;
  /** Deliveries in the window when the job was created, and how many of them were queued again. */
  total: number;
  sent: number;
  /** Why a failed job stopped. */
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
