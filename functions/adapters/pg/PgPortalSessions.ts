import type { PortalSession } from '../../core/portal/PortalSession.ts';
import type { PortalSessions } from '../../ports/PortalSessions.ts';
import type { Database } from './Database.ts';

interface SessionRow {
  id: string;
  tenant_id: string;
  read_only: boolean;
  expires_at: Date;
}

// Expired sessions are kept this long (so a late request still hears "expired", not "unknown"),
// then removed when the next session is created.
const KEEP_EXPIRED = '1 day';

const toSession = (row: SessionRow): PortalSession => ({
  id: row.id,
  tenantId: row.tenant_id,
  readOnly: row.read_only,
  expiresAt: row.expires_at,
});

/** Portal sessions and settings in rowhook.portal_sessions / rowhook.tenant_portal_settings (0020). */
export class PgPortalSessions implements PortalSessions {
  constructor(private readonly db: Database) {}

  async create(session: PortalSession, tokenHash: Buffer) {
    await this.db.query(
      `delete from rowhook.portal_sessions where expires_at < now() - interval '${KEEP_EXPIRED}'`,
    );
    await this.db.query(
      `insert into rowhook.portal_sessions (id, token_hash, tenant_id, read_only, expires_at)
       values ($1, $2, $3, $4, $5)`,
      [session.id, tokenHash, session.tenantId, session.readOnly, session.expiresAt],
    );
  }

  async findByTokenHash(tokenHash: Buffer) {
    const [row] = await this.db.query<SessionRow>(
      'select id, tenant_id, read_only, expires_at from rowhook.portal_sessions where token_hash = $1',
      [tokenHash],
    );
    return row ? toSession(row) : undefined;
  }

  async find(id: string) {
    const [row] = await this.db.query<SessionRow>(
      'select id, tenant_id, read_only, expires_at from rowhook.portal_sessions where id = $1',
      [id],
    );
    return row ? toSession(row) : undefined;
  }

  async frameAncestors(tenantId: string) {
    const [row] = await this.db.query<{ frame_ancestors: string[] }>(
      'select frame_ancestors from rowhook.tenant_portal_settings where tenant_id = $1',
      [tenantId],
    );
    return row?.frame_ancestors ?? [];
  }

  async setFrameAncestors(tenantId: string, origins: readonly string[]) {
    await this.db.query(
      `insert into rowhook.tenant_portal_settings (tenant_id, frame_ancestors) values ($1, $2)
       on conflict (tenant_id) do update set frame_ancestors = excluded.frame_ancestors`,
      [tenantId, origins],
    );
  }
}
