import type { EVENT_TYPE_SOURCES } from './constants.ts';
import type { JsonSchema } from './JsonSchema.ts';

export type EventTypeSource = (typeof EVENT_TYPE_SOURCES)[keyof typeof EVENT_TYPE_SOURCES];

/** One entry of the event catalog: a type and the JSON Schema of its webhooks' `data`. */
export interface EventType {
  type: string;
  source: EventTypeSource;
  /** Increments whenever the schema changes; null for a published type with no registered schema. */
  version: number | null;
  /** The `data` schema; null when a published type has none registered (any JSON object). */
  schema: JsonSchema | null;
  /** The tracked table (source 'table'). */
  sourceTable: string | null;
  /** When the current version was recorded. */
  updatedAt: Date | null;
}
