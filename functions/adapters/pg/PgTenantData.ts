import type { TenantData, TenantErasure } from '../../ports/TenantData.ts';
import { RETENTION_SQL } from '../sql/retentionSql.ts';
import type { Database } from './Database.ts';

/**
 * Erasure over the local runtime's tables: outbox bodies, attempts' response snippets; pending
 * deliveries and dead letters are discarded (rowhook.erase_tenant_data, one transaction). Dead
 * letters live in rowhook.deliveries here, so there are no separate dead-letter items to erase.
 */
export class PgTenantData implements TenantData {
  constructor(private readonly db: Database) {}

  async erase(tenantId: string): Promise<TenantErasure> {
    const [row] = await this.db.query<{ events: number; attempts: number; deliveries_discarded: number }>(
      RETENTION_SQL.eraseTenant({ tenant: '$1' }),
      [tenantId],
    );
    return {
      tenantId,
      events: row?.events ?? 0,
      attempts: row?.attempts ?? 0,
      deliveriesDiscarded: row?.deliveries_discarded ?? 0,
      deadLettersErased: 0,
    };
  }
}
