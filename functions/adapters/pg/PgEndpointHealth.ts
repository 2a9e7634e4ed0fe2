import type { EndpointHealthState } from '../../core/health/EndpointHealthState.ts';
import type { EndpointHealth, EndpointRef, StoredEndpointHealth } from '../../ports/EndpointHealth.ts';
import type { Database } from './Database.ts';

interface HealthRow {
  id: string;
  enabled: boolean;
  failing_since: Date | null;
  consecutive_failures: number;
}

/** Endpoint health in rowhook.endpoints (migration 0006), whose trigger clears it on re-enable. */
export class PgEndpointHealth implements EndpointHealth {
  constructor(private readonly db: Database) {}

  async read(endpoints: readonly EndpointRef[]) {
    const result = new Map<string, StoredEndpointHealth>();
    if (endpoints.length === 0) return result;
    const rows = await this.db.query<HealthRow>(
      `select e.id, e.enabled, e.failing_since, e.consecutive_failures
         from rowhook.endpoints e
         join unnest($1::text[], $2::text[]) as wanted (tenant_id, id)
           on e.tenant_id = wanted.tenant_id and e.id = wanted.id`,
      [endpoints.map((e) => e.tenantId), endpoints.map((e) => e.endpointId)],
    );
    for (const row of rows) {
      result.set(row.id, {
        enabled: row.enabled,
        state: { failingSince: row.failing_since, consecutiveFailures: row.consecutive_failures },
      });
    }
    return result;
  }

  async replace(endpoint: EndpointRef, expected: EndpointHealthState, next: EndpointHealthState) {
    // Compared in milliseconds: the state was read into a JavaScript Date, which keeps no more.
    const rows = await this.db.query(
      `update rowhook.endpoints set failing_since = $5, consecutive_failures = $6
        where tenant_id = $1 and id = $2
          and consecutive_failures = $4
          and date_trunc('milliseconds', failing_since) is not distinct from $3::timestamptz
        returning id`,
      [
        endpoint.tenantId,
        endpoint.endpointId,
        expected.failingSince,
        expected.consecutiveFailures,
        next.failingSince,
        next.consecutiveFailures,
      ],
    );
    return rows.length === 1;
  }

  async disable(endpoint: EndpointRef, reason: string) {
    const rows = await this.db.query(
      `update rowhook.endpoints set enabled = false, disabled_reason = $3, updated_at = now()
        where tenant_id = $1 and id = $2 and enabled
        returning id`,
      [endpoint.tenantId, endpoint.endpointId, reason],
    );
    return rows.length === 1;
  }
}
