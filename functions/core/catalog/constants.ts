/** The grammar of event-type names: rowhook.track_table's event_prefix, also for published types. */
export const EVENT_TYPE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const EVENT_TYPE_MAX_LENGTH = 200;

/** Idempotency and ordering keys: 1-255 characters (as rowhook.publish checks). */
export const PUBLISH_KEY_MAX_LENGTH = 255;

/** The JSON Schema keywords a registered schema may use (what both validators understand). */
export const SCHEMA_KEYWORDS = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'anyOf',
  'format',
  'title',
  'description',
] as const;

export const SCHEMA_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;

export const SCHEMA_FORMATS = ['date-time', 'date', 'uuid'] as const;

/** Where an event type's schema comes from. */
export const EVENT_TYPE_SOURCES = { table: 'table', published: 'published' } as const;

/** The suffixes a tracked table's prefix takes. */
export const ROW_CHANGE_SUFFIXES = ['created', 'updated', 'deleted'] as const;
