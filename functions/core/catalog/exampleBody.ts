import type { EventType } from './EventType.ts';
import { exampleFromSchema } from './exampleFromSchema.ts';
import type { JsonValue } from './JsonSchema.ts';

/** An example webhook body of this type, as the console shows it. */
export function exampleBody(eventType: EventType): Record<string, JsonValue> {
  const data = eventType.schema ? exampleFromSchema(eventType.schema, 'data') : {};
  const body: Record<string, JsonValue> = {
    type: eventType.type,
    timestamp: '2026-01-31T12:00:00.000000Z',
    data,
  };
  if (eventType.source === 'table' && eventType.type.endsWith('.updated') && isRecord(data)) {
    const [first] = Object.entries(data);
    body.previous = first ? { [first[0]]: first[1] } : {};
  }
  return body;
}

function isRecord(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
