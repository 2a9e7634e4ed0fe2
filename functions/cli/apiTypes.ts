// The API's JSON as the CLI reads it (see scratch contract / functions/api/presenters.ts). Fields the
// API added later are optional so the CLI still prints what an older server sends.

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface DeadLetterItem {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  failedAt: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  errorClass?: string | null;
}

export interface AttemptLogEntry {
  attempt: number;
  /** Absent from servers before attemptedAt was the one name: read `startedAt` then (attemptedAtOf). */
  attemptedAt?: string;
  /** @deprecated attemptedAt's old name, still sent for one release. */
  startedAt?: string;
  status: number | null;
  latencyMs: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
}

export interface DeadLetterDetail extends DeadLetterItem {
  body: string;
  webhookId: string;
  headers?: Record<string, string>;
  attemptsLog: AttemptLogEntry[];
}

export interface SummaryGroup {
  tenantId: string;
  endpointId: string;
  errorClass: string | null;
  count: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

export interface RedriveAnswer {
  count: number;
  remaining?: number;
}

export interface LiveAttempt {
  id: string;
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  webhookId: string;
  eventType: string;
  attempt: number;
  /** Absent from servers before attemptedAt was the one name: read `startedAt` then (attemptedAtOf). */
  attemptedAt?: string;
  /** @deprecated attemptedAt's old name, still sent for one release. */
  startedAt?: string;
  status: number | null;
  latencyMs: number | null;
  errorClass: string | null;
  errorMessage: string | null;
}

/** When an attempt was made, from a server of this release or the one before. */
export const attemptedAtOf = (a: { attemptedAt?: string; startedAt?: string }) =>
  a.attemptedAt ?? a.startedAt;

export interface TenantItem {
  id: string;
  name: string;
  tier: string;
  createdAt: string;
  apiKey?: string;
}

export interface EndpointHealth {
  attempts24h: number;
  successes24h: number;
  successRate: number | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailureError: string | null;
}

export interface EndpointItem {
  id: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  filter: unknown;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  transport?: string;
  ordering?: string;
  secret?: string;
  health?: EndpointHealth;
}
