import type { EventType } from './EventType.ts';
import type { JsonSchema } from './JsonSchema.ts';

const ANY_OBJECT: JsonSchema = { type: 'object' };

/**
 * The JSON Schema of a whole webhook body of this type: the envelope every event shares (type,
 * timestamp, data; `previous` on a table's updates) with this type's `data`. Other envelope fields
 * may be added over time, so the envelope allows them.
 */
export function webhookBodySchema(eventType: EventType): JsonSchema {
  const data = eventType.schema ?? ANY_OBJECT;
  const properties: Record<string, JsonSchema> = {
    type: { const: eventType.type },
    timestamp: {
      type: 'string',
      format: 'date-time',
      description: 'When the change was made (the statement time), UTC with microseconds',
    },
    data,
  };
  if (eventType.source === 'table' && eventType.type.endsWith('.updated')) {
    properties.previous = {
      type: 'object',
      description: 'The old values of the columns that changed',
      properties: (data.properties ?? {}) as JsonSchema,
    };
  }
  return {
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties,
    ...(eventType.version === null ? {} : { 'x-rowhook-schema-version': eventType.version }),
  };
}
