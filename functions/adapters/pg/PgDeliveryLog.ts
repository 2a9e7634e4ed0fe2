import type {
  AttemptRecord,
  AttemptTail,
  AttemptView,
  DeliveryLog,
  EndpointHealth,
} from '../../ports/DeliveryLog.ts';
import type { Page } from '../../ports/SubscriptionStore.ts';
import { decodeCursor, encodeCursor } from '../sql/cursor.ts';
import { InvalidCursorError } from '../sql/errors.ts';
import type { Database } from './Database.ts';
import { storableText } from './storableText.ts';

interface AttemptRow {
  id: string;
  delivery_id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string | null;
  attempt: number;
  started_at: Date;
  webhook_timestamp: string;
  status: number | null;
  latency_ms: number;
  error_class: string | null;
  error_message: string | null;
  response_snippet: string | null;
  sequence: string | null;
}

const SELECT_ATTEMPTS = `
  select a.id::text, a.delivery_id, a.tenant_id, a.endpoint_id, a.event_id, o.event_type, a.attempt,
         a.started_at, a.webhook_timestamp, a.status, a.latency_ms, a.error_class, a.error_message,
         a.response_snippet, d.sequence
    from rowhook.attempts a left join rowhook.outbox o on o.id = a.event_id
         left join rowhook.deliveries d on d.id = a.delivery_id`;

export class PgDeliveryLog implements DeliveryLog {
  constructor(private readonly db: Database) {}

  async record(attempts: readonly AttemptRecord[]) {
    if (attempts.length === 0) return;
    const column = <K extends keyof AttemptRecord>(key: K) => attempts.map((a) => a[key]);
    await this.db.query(
      `insert into rowhook.attempts (delivery_id, tenant_id, endpoint_id, event_id, attempt, started_at,
         webhook_timestamp, status, latency_ms, error_class, error_message, response_snippet)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::timestamptz[],
         $7::bigint[], $8::int[], $9::int[], $10::text[], $11::text[], $12::text[])`,
      [
        column('deliveryId'),
        column('tenantId'),
        column('endpointId'),
        column('eventId'),
        column('attempt'),
        column('startedAt'),
        column('webhookTimestamp'),
        column('status'),
        attempts.map((a) => Math.round(a.latencyMs)),
        column('errorClass'),
        attempts.map((a) => storableText(a.errorMessage)),
        attempts.map((a) => storableText(a.responseSnippet)),
      ],
      'rowhook_record_attempts',
    );
  }

  async listForEndpoint(
    tenantId: string,
    endpointId: string,
    page: { limit: number; cursor: string | null },
  ): Promise<Page<AttemptView>> {
    const before = page.cursor ? (decodeCursor(page.cursor, ['string'])[0] as string) : null;
    if (before !== null && !/^\d+$/.test(before)) return { items: [], nextCursor: null };
    const rows = await this.db.query<AttemptRow>(
      `${SELECT_ATTEMPTS}
        where a.tenant_id = $1 and a.endpoint_id = $2 and ($3::bigint is null or a.id < $3::bigint)
        order by a.id desc limit $4`,
      [tenantId, endpointId, before, page.limit + 1],
    );
    const items = rows.slice(0, page.limit).map(toView);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > page.limit && last ? encodeCursor([last.id]) : null };
  }

  async listForDelivery(deliveryId: string) {
    const rows = await this.db.query<AttemptRow>(
      `${SELECT_ATTEMPTS} where a.delivery_id = $1 order by a.id`,
      [deliveryId],
    );
    return rows.map(toView);
  }

  async listRecent(
    scope: { tenantId?: string; endpointId?: string },
    page: { after: string | null; limit: number },
  ): Promise<AttemptTail> {
    const after = page.after === null ? null : (decodeCursor(page.after, ['string'])[0] as string);
    if (after !== null && !/^\d{1,19}$/.test(after)) throw new InvalidCursorError(BAD_TAIL_CURSOR);
    const scoped = `($1::text is null or a.tenant_id = $1) and ($2::text is null or a.endpoint_id = $2)`;
    // Ids are assigned at insert: "after id N" is "recorded after N" (bar transactions that commit
    // out of id order, which a tail shows a poll late or, rarely, not at all).
    const rows =
      after === null
        ? (
            await this.db.query<AttemptRow>(
              `${SELECT_ATTEMPTS} where ${scoped} order by a.id desc limit $3`,
              [scope.tenantId ?? null, scope.endpointId ?? null, page.limit],
            )
          ).reverse()
        : await this.db.query<AttemptRow>(
            `${SELECT_ATTEMPTS} where ${scoped} and a.id > $3::bigint order by a.id limit $4`,
            [scope.tenantId ?? null, scope.endpointId ?? null, after, page.limit],
          );
    const items = rows.map(toView);
    return { items, nextCursor: encodeCursor([items.at(-1)?.id ?? after ?? '0']) };
  }

  async endpointHealth(tenantId: string, endpointIds: readonly string[], since: Date) {
    const rows = await this.db.query<{
      endpoint_id: string;
      attempts: number;
      successes: number;
      last_success_at: Date | null;
      last_failure_at: Date | null;
      last_failure_error: string | null;
    }>(
      // Each lateral stops at the newest matching row of the endpoint's index, however long the log.
      `select e.id as endpoint_id, w.attempts, w.successes, s.started_at as last_success_at,
              f.started_at as last_failure_at,
              coalesce(f.error_message, 'HTTP ' || f.status) as last_failure_error
         from unnest($2::text[]) as e(id)
         cross join lateral (
           select count(*)::int as attempts,
                  (count(*) filter (where a.status between 200 and 299))::int as successes
             from rowhook.attempts a
            where a.endpoint_id = e.id and a.tenant_id = $1 and a.started_at >= $3
         ) w
         left join lateral (
           select a.started_at from rowhook.attempts a
            where a.endpoint_id = e.id and a.tenant_id = $1 and a.status between 200 and 299
            order by a.id desc limit 1
         ) s on true
         left join lateral (
           select a.started_at, a.status, a.error_message from rowhook.attempts a
            where a.endpoint_id = e.id and a.tenant_id = $1
              and (a.status is null or a.status not between 200 and 299)
            order by a.id desc limit 1
         ) f on true`,
      [tenantId, [...endpointIds], since],
    );
    return new Map<string, EndpointHealth>(
      rows.map((row) => [
        row.endpoint_id,
        {
          attempts: row.attempts,
          successes: row.successes,
          lastSuccessAt: row.last_success_at,
          lastFailureAt: row.last_failure_at,
          lastFailureError: row.last_failure_error,
        },
      ]),
    );
  }
}

const BAD_TAIL_CURSOR = 'after is not valid: pass the nextCursor value from a previous call unchanged';

function toView(row: AttemptRow): AttemptView {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type ?? '',
    attempt: row.attempt,
    startedAt: row.started_at,
    webhookTimestamp: Number(row.webhook_timestamp),
    status: row.status,
    latencyMs: row.latency_ms,
    errorClass: row.error_class,
    errorMessage: row.error_message,
    responseSnippet: row.response_snippet,
    ...(row.sequence === null ? {} : { sequence: Number(row.sequence) }),
  };
}
