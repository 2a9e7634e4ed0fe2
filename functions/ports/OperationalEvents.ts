import type { OperationalEventType } from '../core/health/constants.ts';
import type { OperationalEvent } from '../core/health/OperationalEvent.ts';

export interface OperationalEventFilter {
  type?: OperationalEventType;
  tenantId?: string;
}

/** Operational events: recorded for operators to list, and sent to the operator webhook where one is set. */
export interface OperationalEvents {
  /**
   * Records the events (idempotent per id). An adapter that knows the operator endpoint also queues
   * each one for delivery to it, so it is signed, retried and dead-lettered like any webhook.
   */
  record(events: readonly OperationalEvent[]): Promise<void>;
  /**
   * Oldest first. With `after` (an event id): up to `limit` events recorded after it; without: the
   * latest `limit`. A caller polls by passing the last id it got as the next `after`.
   */
  list(
    filter: OperationalEventFilter,
    page: { limit: number; after: string | null },
  ): Promise<OperationalEvent[]>;
}
