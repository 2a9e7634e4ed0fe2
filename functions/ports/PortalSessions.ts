import type { PortalSession } from '../core/portal/PortalSession.ts';

/** Portal sessions and the per-tenant portal settings (local runtime: PostgreSQL, migration 0020). */
export interface PortalSessions {
  /** Stores a session under its token's hash (the caller checked that the tenant exists). */
  create(session: PortalSession, tokenHash: Buffer): Promise<void>;
  /** The session of a token, expired or not (the caller tells "expired" from "unknown"). */
  findByTokenHash(tokenHash: Buffer): Promise<PortalSession | undefined>;
  find(id: string): Promise<PortalSession | undefined>;
  /** Origins allowed to frame the tenant's portal (empty: none). */
  frameAncestors(tenantId: string): Promise<string[]>;
  setFrameAncestors(tenantId: string, origins: readonly string[]): Promise<void>;
}
