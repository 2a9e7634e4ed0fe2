import type { OperationalEventType } from '../../core/health/constants.ts';
import { type OperationalEvent, operationalWebhookBody } from '../../core/health/OperationalEvent.ts';
import type { EndpointRef } from '../../ports/EndpointHealth.ts';
import type { OperationalEventFilter, OperationalEvents } from '../../ports/OperationalEvents.ts';
import type { Database } from './Database.ts';

interface EventRow {
  id: string;
  type: OperationalEventType;
  tenant_id: string;
  endpoint_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

export interface PgOperationalEventsOptions {
  /**
   * The operator endpoint (an endpoint of the reserved operator tenant): each recorded event is
   * appended to the outbox for it in the same transaction, so recording and sending cannot part.
   */
  operatorEndpoint?: EndpointRef;
}

export class PgOperationalEvents implements OperationalEvents {
  constructor(
    private readonly db: Database,
    private readonly options: PgOperationalEventsOptions = {},
  ) {}

  async record(events: readonly OperationalEvent[]) {
    if (events.length === 0) return;
    const operator = this.options.operatorEndpoint;
    await this.db.transaction(async () => {
      const inserted = await this.db.query<{ id: string }>(
        `insert into rowhook.operational_events (id, type, tenant_id, endpoint_id, occurred_at, data)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
         on conflict (id) do nothing
         returning id`,
        [
          events.map((e) => e.id),
          events.map((e) => e.type),
          events.map((e) => e.tenantId),
          events.map((e) => e.endpointId),
          events.map((e) => e.occurredAt),
          events.map((e) => JSON.stringify(e.data)),
        ],
      );
      if (!operator) return;
      // Only newly recorded events: recording the same event twice must not send it twice.
      const fresh = new Set(inserted.map((r) => r.id));
      for (const event of events.filter((e) => fresh.has(e.id))) {
        await this.db.query('select rowhook.append_event($1, $2, $3, $4)', [
          operator.tenantId,
          event.type,
          operationalWebhookBody(event),
          operator.endpointId,
        ]);
      }
    });
  }

  async list(filter: OperationalEventFilter, page: { limit: number; after: string | null }) {
    const where = `($1::text is null or type = $1) and ($2::text is null or tenant_id = $2)`;
    const columns = 'id, type, tenant_id, endpoint_id, occurred_at, data';
    const rows =
      page.after === null
        ? // The latest `limit`, shown oldest first like a page read forwards.
          await this.db.query<EventRow>(
            `select * from (
               select ${columns} from rowhook.operational_events where ${where} order by id desc limit $3
             ) latest order by id`,
            [filter.type ?? null, filter.tenantId ?? null, page.limit],
          )
        : await this.db.query<EventRow>(
            `select ${columns} from rowhook.operational_events where ${where} and id > $3 order by id limit $4`,
            [filter.type ?? null, filter.tenantId ?? null, page.after, page.limit],
          );
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      occurredAt: row.occurred_at,
      tenantId: row.tenant_id,
      endpointId: row.endpoint_id,
      data: row.data,
    }));
  }
}
