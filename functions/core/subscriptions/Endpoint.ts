export const ENDPOINT_TIERS = { pooled: 'pooled', dedicated: 'dedicated' } as const;

export interface Tenant {
  id: string;
  name: string;
  tier: (typeof ENDPOINT_TIERS)[keyof typeof ENDPOINT_TIERS];
  createdAt: Date;
}

export interface Endpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  /** null: every event type. Entries are exact types or `prefix.*`. */
  eventTypes: string[] | null;
  /** EventBridge-style pattern matched against the event body; null: no filter. */
  filter: Record<string, unknown> | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
