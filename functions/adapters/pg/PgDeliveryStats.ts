import type { DeliveryStats, StatsBucket } from '../../ports/DeliveryStats.ts';
import type { Database } from './Database.ts';

interface BucketRow {
  t: Date;
  attempts: number;
  delivered: number;
  p50: number | null;
  p95: number | null;
}

/**
 * Per-minute attempt counts and latency percentiles, computed in PostgreSQL from rowhook.attempts
 * over the (endpoint_id | tenant_id | -, started_at) indexes (0009, 0020). A null scope field means
 * "every": the API passes the caller's tenant for tenant tokens, so a tenant never reads another's.
 */
export class PgDeliveryStats implements DeliveryStats {
  constructor(private readonly db: Database) {}

  async perMinute(
    scope: { tenantId?: string; endpointId?: string },
    window: { since: Date; until: Date },
  ): Promise<StatsBucket[]> {
    const rows = await this.db.query<BucketRow>(
      `select date_trunc('minute', started_at) as t,
              count(*)::int as attempts,
              count(*) filter (where status between 200 and 299)::int as delivered,
              percentile_cont(0.5) within group (order by latency_ms) as p50,
              percentile_cont(0.95) within group (order by latency_ms) as p95
         from rowhook.attempts
        where started_at >= $1 and started_at < $2
          and ($3::text is null or tenant_id = $3)
          and ($4::text is null or endpoint_id = $4)
        group by 1
        order by 1`,
      [window.since, window.until, scope.tenantId ?? null, scope.endpointId ?? null],
    );
    return rows.map((row) => ({
      t: row.t,
      attempts: row.attempts,
      delivered: row.delivered,
      failed: row.attempts - row.delivered,
      p50Ms: row.p50 === null ? null : Math.round(row.p50),
      p95Ms: row.p95 === null ? null : Math.round(row.p95),
    }));
  }
}
