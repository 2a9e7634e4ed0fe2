import type { CanaryPath } from './constants.ts';

/** What the receiver recorded for one request it got. */
export interface CanaryDelivery {
  readonly path: CanaryPath;
  readonly receivedAt: number;
  readonly signatureValid: boolean;
  readonly webhookId: string | null;
  /** Why the signature was refused (standardwebhooks' message), null when valid. */
  readonly reason: string | null;
}

export interface CreatedEndpoint {
  readonly id: string;
  /** whsec_ signing secret, shown once by POST /v1/endpoints. */
  readonly secret: string;
}

export interface DedicatedState {
  readonly status: 'pending' | 'active' | 'fallback-pooled' | string;
  readonly reason: string | null;
}

/** The Rowhook HTTP API, as much of it as the canary uses. */
export interface CanaryApi {
  /** Creates the throwaway tenant and returns its API key. */
  createTenant(id: string, name: string): Promise<{ apiKey: string }>;
  createEndpoint(
    apiKey: string,
    input: { url: string; transport: string; description: string },
  ): Promise<CreatedEndpoint>;
  dedicatedState(apiKey: string, endpointId: string): Promise<DedicatedState | null>;
  deleteEndpoint(apiKey: string, endpointId: string): Promise<void>;
}

/** The tracked table, written through the Data API. */
export interface CanaryDatabase {
  /** Creates and tracks the canary table if needed (idempotent). */
  prepare(): Promise<void>;
  /** Commits one row for the tenant; resolves once committed. */
  insertRow(tenantId: string, runId: string): Promise<void>;
  deleteRows(runId: string): Promise<void>;
}

/** The canary's tenant, kept between runs: the API has no tenant deletion, so one is reused. */
export interface CanaryTenant {
  readonly tenantId: string;
  readonly apiKey: string;
}

/** Where the receiver reads the run's secrets and writes what it received. */
export interface CanaryRecords {
  keptTenant(): Promise<CanaryTenant | null>;
  keepTenant(tenant: CanaryTenant): Promise<void>;
  putRun(runId: string, secrets: Readonly<Record<CanaryPath, string>>): Promise<void>;
  deliveries(runId: string): Promise<CanaryDelivery[]>;
  deleteRun(runId: string): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
