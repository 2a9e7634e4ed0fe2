import type { AddressPolicy } from '../core/network/AddressPolicy.ts';
import type { ResolveHost } from '../core/network/checkEndpointUrl.ts';
import type { DeadLetters } from '../ports/DeadLetters.ts';
import type { DeliveryLog } from '../ports/DeliveryLog.ts';
import type { DeliveryStats } from '../ports/DeliveryStats.ts';
import type { EventCatalog } from '../ports/EventCatalog.ts';
import type { EventFeed } from '../ports/EventFeed.ts';
import type { EventPublisher } from '../ports/EventPublisher.ts';
import type { FailedEvents } from '../ports/FailedEvents.ts';
import type { MetricsExposition } from '../ports/Metrics.ts';
import type { OperationalEvents } from '../ports/OperationalEvents.ts';
import type { OutboxWriter } from '../ports/OutboxSource.ts';
import type { PortalSessions } from '../ports/PortalSessions.ts';
import type { Recoveries } from '../ports/Recoveries.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import type { TenantData } from '../ports/TenantData.ts';

export interface ApiDependencies {
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  deadLetters: DeadLetters;
  deliveryLog: DeliveryLog;
  /** Outbox events the relay could not publish, for GET /v1/events/failed. */
  failedEvents: FailedEvents;
  /** Endpoint disabled / attempts exhausted / endpoint recovered, for GET /v1/operational-events. */
  operationalEvents: OperationalEvents;
  outbox: OutboxWriter;
  /** POST /v1/events (rowhook.publish) and the event catalog; without it those routes answer 404. */
  events?: EventPublisher & EventCatalog;
  /** GET /v1/endpoints/{id}/events; absent where deliveries are not numbered (the AWS pooled path). */
  eventFeed?: EventFeed;
  /** DELETE /v1/tenants/{id}/data: erases a tenant's payloads wherever they are kept. */
  tenantData: TenantData;
  adminTokenHash: Buffer;
  addressPolicy: AddressPolicy;
  resolveHost: ResolveHost;
  requireHttps: boolean;
  secretOverlapMs: number;
  /** Called after something was added to the outbox (test events) so the relay runs now. */
  onOutboxWrite: () => void;
  log: (entry: Record<string, unknown>) => void;
  /**
   * Whether this deployment delivers `ordering: "per-key"` endpoints in order. Absent: yes (the local
   * runtime). The AWS API passes false until its FIFO path exists: such endpoints are refused with a
   * 400 rather than accepted and delivered unordered.
   */
  perKeyOrdering?: boolean;
  /** GET /metrics (local runtime); `public` skips the admin token (ROWHOOK_METRICS_PUBLIC). */
  metrics?: { exposition: MetricsExposition; public: boolean };
  /** The tenant portal's sessions and settings (local runtime; absent on AWS: those routes answer 501). */
  portalSessions?: PortalSessions;
  /** Per-minute attempt statistics for the charts (local runtime; absent on AWS: 501). */
  deliveryStats?: DeliveryStats;
  /**
   * Resend and recover (local runtime); absent on AWS, where those routes answer 501 (see
   * docs/deploy.md). `onStarted` wakes the background loop for a new recover job.
   */
  recoveries?: { store: Recoveries; onStarted: () => void };
}
