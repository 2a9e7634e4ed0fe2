import type { JsonSchema } from '../../core/catalog/JsonSchema.ts';
import type { EventCatalog } from '../../ports/EventCatalog.ts';
import type { EventPublisher, PublishRequest } from '../../ports/EventPublisher.ts';
import {
  type CatalogRow,
  EVENT_SQL,
  eventRejection,
  toEventType,
  toSchemaVersion,
  type VersionRow,
} from '../sql/eventSql.ts';
import type { Database } from './Database.ts';

/** rowhook.publish and the event catalog over node-postgres (the local runtime). */
export class PgEvents implements EventPublisher, EventCatalog {
  constructor(private readonly db: Database) {}

  async publish(request: PublishRequest): Promise<string> {
    const [row] = await this.run(() =>
      this.db.query<{ id: string }>(
        EVENT_SQL.publish({
          tenantId: '$1',
          type: '$2',
          data: '$3',
          idempotencyKey: '$4',
          orderingKey: '$5',
        }),
        [
          request.tenantId,
          request.type,
          JSON.stringify(request.data),
          request.idempotencyKey,
          request.orderingKey,
        ],
      ),
    );
    if (!row) throw new Error('rowhook.publish returned no row');
    return row.id;
  }

  async list(tenantId: string | null) {
    const rows = await this.db.query<CatalogRow>(EVENT_SQL.catalog({ tenantId: '$1' }), [tenantId]);
    return rows.map(toEventType);
  }

  async register(type: string, schema: JsonSchema): Promise<number> {
    const [row] = await this.run(() =>
      this.db.query<{ version: number }>(EVENT_SQL.register({ type: '$1', schema: '$2' }), [
        type,
        JSON.stringify(schema),
      ]),
    );
    return Number(row?.version);
  }

  async versions(type: string) {
    const rows = await this.db.query<VersionRow>(EVENT_SQL.versions({ type: '$1' }), [type]);
    return rows.map(toSchemaVersion);
  }

  /** The database's refusals of the input become EventRejectedError (a 4xx), with its message. */
  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const rejection = cause instanceof Error ? eventRejection(cause.message) : null;
      throw rejection ?? error;
    }
  }
}
