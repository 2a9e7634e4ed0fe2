/** A short-lived, tenant-scoped login to the portal; only its token's SHA-256 is stored. */
export interface PortalSession {
  /** `ps_...`, public: the portal URL carries it so the server knows whose frame-ancestors apply. */
  id: string;
  tenantId: string;
  /** A read-only session may call only GET routes. */
  readOnly: boolean;
  expiresAt: Date;
}
