import type { EventType, EventTypeSource } from '../core/catalog/EventType.ts';
import type { JsonSchema } from '../core/catalog/JsonSchema.ts';

export interface SchemaVersion {
  version: number;
  source: EventTypeSource;
  schema: JsonSchema;
  createdAt: Date;
}

/** Every event type with the JSON Schema of its `data` (rowhook.event_catalog), and registrations. */
export interface EventCatalog {
  /**
   * Tracked tables' types and registered published types, plus the types `tenantId` published
   * without a schema (every tenant's when null: an operator). Records a new version of any table
   * type whose columns or include/exclude lists changed since the last read.
   */
  list(tenantId: string | null): Promise<EventType[]>;
  /** Registers the `data` schema of a published type; a changed schema becomes a new version. */
  register(type: string, schema: JsonSchema): Promise<number>;
  /** Every recorded version of a type's schema, newest first (empty when none). */
  versions(type: string): Promise<SchemaVersion[]>;
}
