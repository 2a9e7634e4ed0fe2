import type { EventType, EventTypeSource } from '../../core/catalog/EventType.ts';
import { EventRejectedError } from '../../core/catalog/errors.ts';
import type { JsonSchema } from '../../core/catalog/JsonSchema.ts';
import type { SchemaVersion } from '../../ports/EventCatalog.ts';

/**
 * The publish and catalog statements of PgEvents (node-postgres, `$n`) and RdsDataEvents (RDS Data
 * API, `:name`). jsonb goes in as text cast to jsonb and comes out as text, so both drivers see the
 * same strings.
 */
export const EVENT_SQL = {
  publish: (p: {
    tenantId: string;
    type: string;
    data: string;
    idempotencyKey: string;
    orderingKey: string;
  }) =>
    `select rowhook.publish(${p.tenantId}, ${p.type}, cast(${p.data} as jsonb), ${p.idempotencyKey}, ${p.orderingKey})::text as id`,
  catalog: (p: { tenantId: string }) =>
    `select event_type, source, version, schema::text as schema, source_table,
            to_json(updated_at) #>> '{}' as updated_at
       from rowhook.event_catalog(${p.tenantId})`,
  register: (p: { type: string; schema: string }) =>
    `select rowhook.register_event_schema(${p.type}, cast(${p.schema} as jsonb)) as version`,
  versions: (p: { type: string }) =>
    `select version, source, schema::text as schema, to_json(created_at) #>> '{}' as created_at
       from rowhook.event_schemas where event_type = ${p.type} order by version desc`,
} as const;

export interface CatalogRow {
  event_type: string;
  source: string;
  version: number | null;
  schema: string | null;
  source_table: string | null;
  updated_at: string | null;
}

export interface VersionRow {
  version: number;
  source: string;
  schema: string;
  created_at: string;
}

export function toEventType(row: CatalogRow): EventType {
  return {
    type: row.event_type,
    source: row.source as EventTypeSource,
    version: row.version === null ? null : Number(row.version),
    schema: row.schema === null ? null : (JSON.parse(row.schema) as JsonSchema),
    sourceTable: row.source_table,
    updatedAt: row.updated_at === null ? null : new Date(row.updated_at),
  };
}

export function toSchemaVersion(row: VersionRow): SchemaVersion {
  return {
    version: Number(row.version),
    source: row.source as EventTypeSource,
    schema: JSON.parse(row.schema) as JsonSchema,
    createdAt: new Date(row.created_at),
  };
}

// Messages rowhook.publish / register_event_schema raise about their input (migration 0013). The
// Data API appends "; SQLState: ..." and context lines, which are cut off.
const REJECTION = /(rowhook\.(?:publish|register_event_schema): [^\n]*?)(?:; SQLState:.*)?(?:\n|$)/;

/** The input refusal inside a database error's message, or null when the error is something else. */
export function eventRejection(message: string): EventRejectedError | null {
  const match = REJECTION.exec(message);
  if (!match?.[1]) return null;
  const text = match[1];
  return new EventRejectedError(
    text.includes('does not match the schema registered') ? 'schema_mismatch' : 'invalid_event',
    text,
  );
}
