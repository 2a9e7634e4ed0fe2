import type { JsonValue } from './JsonSchema.ts';

const EXAMPLE_STRINGS: Record<string, string> = {
  'date-time': '2026-01-31T12:00:00.000000Z',
  date: '2026-01-31',
  uuid: '0193a4c9-b2e7-7c3d-8f1a-2b3c4d5e6f70',
};

/** A plausible value of `schema`, for the catalog's example bodies (not random: stable output). */
export function exampleFromSchema(schema: unknown, name = 'value', depth = 0): JsonValue {
  if (typeof schema !== 'object' || schema === null || depth > 8) return {};
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) {
    const first = s.enum.find((v) => v !== null);
    return (first ?? null) as JsonValue;
  }
  if (Array.isArray(s.anyOf)) {
    const branch = s.anyOf.find((b) => (b as { type?: unknown } | null)?.type !== 'null');
    return exampleFromSchema(branch ?? s.anyOf[0], name, depth + 1);
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const example: Record<string, JsonValue> = {};
      for (const [key, sub] of Object.entries(properties))
        example[key] = exampleFromSchema(sub, key, depth + 1);
      return example;
    }
    case 'array':
      return 'items' in s ? [exampleFromSchema(s.items, name, depth + 1)] : [];
    case 'string':
      return EXAMPLE_STRINGS[String(s.format)] ?? `${name}`;
    case 'integer':
      return 1;
    case 'number':
      return 9.99;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
