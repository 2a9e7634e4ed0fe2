/**
 * A delivery that ran out of attempts (or cannot be attempted), as operators list it. The
 * DeadLetters port only reads and acts on such records; on AWS something must also write them when
 * the deliver Lambda gives up, and this is that narrow write side (implemented over DynamoDB by the
 * store adapters).
 */
export interface FailedDelivery {
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
  failedAt: Date;
  /** Attempts made, including the last one. */
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  /** The delivery's `webhook-sequence`, kept so a redrive sends it again (absent if never numbered). */
  sequence?: number;
}

export interface FailedDeliveryRecorder {
  recordFailed(failures: readonly FailedDelivery[]): Promise<void>;
}
