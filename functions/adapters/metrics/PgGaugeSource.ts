import { DEAD_LETTER_TENANT_LIMIT, METRICS, QUEUE_STATE } from '../../core/metrics/constants.ts';
import type { GaugeReading, GaugeSource } from '../../ports/Metrics.ts';
import type { Database } from '../pg/Database.ts';

/**
 * The gauges of the local runtime, read from PostgreSQL when scraped. Each query touches only the
 * rows it reports on, through a partial index (outbox_unpublished, deliveries_due,
 * deliveries_dead); the attempts table is never read. Migration 0007 added `leased`.
 */
export class PgGaugeSource implements GaugeSource {
  constructor(private readonly db: Database) {}

  async read(): Promise<GaugeReading[]> {
    const [lag, depth, dead] = await Promise.all([
      // Ids are UUIDv7 (time-ordered): the first unpublished id is the oldest waiting event.
      this.db.query<{ lag: number }>(
        `select greatest(0, extract(epoch from clock_timestamp() - occurred_at))::float8 as lag
           from rowhook.outbox where published_at is null order by id limit 1`,
      ),
      // `leased` is set from claim to settlement; past its lease's end a delivery is due again.
      this.db.query<{ ready: number; scheduled: number; in_flight: number }>(
        `select count(*) filter (where next_attempt_at <= now())::float8 as ready,
                count(*) filter (where next_attempt_at > now() and not leased)::float8 as scheduled,
                count(*) filter (where next_attempt_at > now() and leased)::float8 as in_flight
           from rowhook.deliveries where state = 'pending'`,
      ),
      this.db.query<{ tenant_id: string; n: number }>(
        `select tenant_id, count(*)::float8 as n from rowhook.deliveries where state = 'dead'
          group by tenant_id order by n desc, tenant_id limit $1`,
        [DEAD_LETTER_TENANT_LIMIT],
      ),
    ]);
    return [
      { metric: METRICS.outboxLag, labels: {}, value: lag[0]?.lag ?? 0 },
      { metric: METRICS.queueDepth, labels: { state: QUEUE_STATE.ready }, value: depth[0]?.ready ?? 0 },
      {
        metric: METRICS.queueDepth,
        labels: { state: QUEUE_STATE.scheduled },
        value: depth[0]?.scheduled ?? 0,
      },
      {
        metric: METRICS.queueDepth,
        labels: { state: QUEUE_STATE.inFlight },
        value: depth[0]?.in_flight ?? 0,
      },
      ...dead.map((row) => ({
        metric: METRICS.deadLetters,
        labels: { tenant: row.tenant_id },
        value: row.n,
      })),
    ];
  }
}
