import type { RecoveryStatus } from '../../core/recovery/constants.ts';
import { eventTime } from '../../core/recovery/eventTime.ts';
import type { RecoveryJob } from '../../core/recovery/RecoveryJob.ts';
import type {
  Recoveries,
  RecoveryBatch,
  RecoveryJobs,
  RecoveryScope,
  ResendOutcome,
  StartOutcome,
} from '../../ports/Recoveries.ts';
import type { Database } from './Database.ts';
import { DELIVERY_WAKEUP_CHANNEL } from './PgDeliveryQueue.ts';
import { RECOVERY_SQL } from './recoverySql.ts';

interface JobRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  since: Date;
  until: Date;
  truncated_at: Date | null;
  status: RecoveryStatus;
  total: number;
  sent: number;
  position: string | null;
  last_key: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** Resend and recover over the local delivery store: deliveries are queued again in place. */
export class PgRecoveries implements Recoveries, RecoveryJobs {
  constructor(private readonly db: Database) {}

  async resend(scope: RecoveryScope, endpointId: string, eventId: string): Promise<ResendOutcome> {
    const [endpoint] = await this.db.query<{ tenant_id: string; enabled: boolean }>(RECOVERY_SQL.endpoint, [
      endpointId,
      scope.tenantId ?? null,
    ]);
    if (!endpoint) return { kind: 'unknown_endpoint' };
    if (!endpoint.enabled) return { kind: 'endpoint_disabled' };
    const [delivery] = await this.db.query<{ id: string; kept: boolean }>(RECOVERY_SQL.deliveryOfEvent, [
      eventId,
      endpointId,
    ]);
    if (delivery && !delivery.kept)
      return { kind: 'beyond_retention', retainedFrom: await this.retainedFrom() };
    if (!delivery) {
      const [event] = await this.db.query(RECOVERY_SQL.eventOfTenant, [eventId, endpoint.tenant_id]);
      if (event) return { kind: 'not_matched' };
      // Not stored: gone with the retention window if older than the oldest event kept.
      const retainedFrom = await this.retainedFrom();
      const createdAt = eventTime(eventId);
      if (createdAt && (retainedFrom === null || createdAt < retainedFrom)) {
        return { kind: 'beyond_retention', retainedFrom };
      }
      return { kind: 'unknown_event' };
    }
    const queued = await this.db.transaction(async () => {
      const rows = await this.db.query(RECOVERY_SQL.resend, [delivery.id]);
      if (rows.length > 0) await this.wake();
      return rows.length > 0;
    });
    return queued ? { kind: 'queued', deliveryId: delivery.id, eventId, endpointId } : { kind: 'in_flight' };
  }

  async start(
    scope: RecoveryScope,
    endpointId: string,
    window: { since: Date; until: Date },
  ): Promise<StartOutcome> {
    const [endpoint] = await this.db.query<{ tenant_id: string; created_at: Date; enabled: boolean }>(
      RECOVERY_SQL.endpoint,
      [endpointId, scope.tenantId ?? null],
    );
    if (!endpoint) return { kind: 'unknown_endpoint' };
    if (!endpoint.enabled) return { kind: 'endpoint_disabled' };
    // Events older than the oldest one kept are gone; say so when the window reaches past it and
    // the endpoint existed then (before it existed nothing was matched to it, so nothing is missing).
    const retainedFrom = await this.retainedFrom();
    const truncatedAt =
      retainedFrom && window.since < retainedFrom && endpoint.created_at < retainedFrom ? retainedFrom : null;
    const [row] = await this.db.query<JobRow>(RECOVERY_SQL.create, [
      endpointId,
      window.since,
      window.until,
      await this.newId(),
      endpoint.tenant_id,
      truncatedAt,
    ]);
    if (!row) throw new Error('creating a recovery returned no row');
    return { kind: 'started', job: toJob(row) };
  }

  async get(scope: RecoveryScope, id: string): Promise<RecoveryJob | undefined> {
    const [row] = await this.db.query<JobRow>(RECOVERY_SQL.get, [id, scope.tenantId ?? null]);
    return row && toJob(row);
  }

  /** One batch of the oldest running job, queued and recorded in one transaction. */
  async runBatch(limit: number): Promise<RecoveryBatch | null> {
    // Polled every interval by every runtime: one indexed read, no transaction, when nothing runs.
    const [any] = await this.db.query(RECOVERY_SQL.anyRunning);
    if (!any) return null;
    return this.db.transaction(async () => {
      const [job] = await this.db.query<JobRow & { endpoint_exists: boolean }>(RECOVERY_SQL.lockRunning);
      if (!job) return null;
      if (!job.endpoint_exists) {
        await this.db.query(RECOVERY_SQL.fail, [
          job.id,
          'the endpoint was deleted before every event was re-sent',
        ]);
        return { jobId: job.id, queued: 0, finished: true, blocked: false };
      }
      const [batch] = await this.db.query<{ n: number; last: string | null; blocked: boolean }>(
        RECOVERY_SQL.queueBatch,
        [job.endpoint_id, job.since, job.until, job.position, job.last_key, limit, job.sent, job.created_at],
      );
      const queued = batch?.n ?? 0;
      const blocked = batch?.blocked === true;
      const finished = (!blocked && queued < limit) || (batch?.last ?? null) === job.last_key;
      await this.db.query(RECOVERY_SQL.advance, [job.id, queued, batch?.last ?? null, finished]);
      return { jobId: job.id, queued, finished, blocked };
    });
  }

  private async retainedFrom(): Promise<Date | null> {
    const [oldest] = await this.db.query<{ occurred_at: Date }>(RECOVERY_SQL.oldestRetained);
    return oldest?.occurred_at ?? null;
  }

  private async newId(): Promise<string> {
    const [row] = await this.db.query<{ id: string }>('select rowhook.uuidv7()::text as id');
    if (!row) throw new Error('rowhook.uuidv7() returned no row');
    return row.id;
  }

  /**
   * Wakes every runtime's workers (NOTIFY; inside a transaction, at its commit). Called by the loop
   * after a batch has committed, not inside it: see RecoveryLoop.
   */
  async wake(): Promise<void> {
    await this.db.query('select pg_notify($1, $2)', [DELIVERY_WAKEUP_CHANNEL, '']);
  }
}

function toJob(row: JobRow): RecoveryJob {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    since: row.since,
    until: row.until,
    truncatedAt: row.truncated_at,
    status: row.status,
    total: row.total,
    sent: row.sent,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
