import type { JsonSchema } from './JsonSchema.ts';

/**
 * Where `value` breaks `schema`, as "<path>: <what>", or null when it fits. The subset and the
 * messages are rowhook.schema_violation's (migration 0013), which rowhook.publish applies in SQL:
 * the HTTP API checks here first so a bad request never reaches the database, and both must agree
 * (test/integration/publish/schemaValidators.test.ts runs the same cases through both).
 */
export function findSchemaViolation(schema: unknown, value: unknown, path: string): string | null {
  if (!isObject(schema)) return null;
  const kind = kindOf(value);
  if (Array.isArray(schema.anyOf)) {
    if (!schema.anyOf.some((branch) => findSchemaViolation(branch, value, path) === null))
      return `${path}: matches none of the allowed shapes`;
  }
  if ('type' in schema) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).map(String);
    const integer = kind === 'number' && Number.isInteger(value);
    if (!types.includes(kind) && !(types.includes('integer') && integer))
      return `${path}: expected ${types.join(' or ')}, got ${kind}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => sameJson(allowed, value)))
    return `${path}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (kind === 'string' && typeof schema.format === 'string') {
    const problem = formatProblem(schema.format, value as string);
    if (problem) return `${path}: ${problem}`;
  }
  if (kind === 'object') return objectViolation(schema, value as Record<string, unknown>, path);
  if (kind === 'array' && 'items' in schema) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      const found = findSchemaViolation(schema.items, items[i], `${path}[${i}]`);
      if (found) return found;
    }
  }
  return null;
}

function objectViolation(schema: JsonSchema, value: Record<string, unknown>, path: string): string | null {
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  for (const key of required) if (!Object.hasOwn(value, key)) return `${path}.${key}: is required`;
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  // Code-unit order, as the SQL side's `collate "C"`, so both name the same first failure.
  for (const key of Object.keys(value).sort()) {
    if (properties && Object.hasOwn(properties, key)) {
      const found = findSchemaViolation(properties[key], value[key], `${path}.${key}`);
      if (found) return found;
    } else if (schema.additionalProperties === false) {
      return `${path}.${key}: is not an allowed property`;
    }
  }
  return null;
}

const DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function formatProblem(format: string, text: string): string | null {
  if (format === 'date-time') {
    const m = DATE_TIME.exec(text);
    const ok =
      m && isCalendarDate(m[1], m[2], m[3]) && Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 60;
    return ok ? null : 'must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z';
  }
  if (format === 'date') {
    const m = DATE.exec(text);
    return m && isCalendarDate(m[1], m[2], m[3]) ? null : 'must be a date such as 2026-01-31';
  }
  if (format === 'uuid') return UUID.test(text) ? null : 'must be a UUID';
  return null;
}

function isCalendarDate(year?: string, month?: string, day?: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1 || m < 1 || m > 12) return false;
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(y, m, 0); // day 0 of the next month; setUTCFullYear keeps years below 100
  return d >= 1 && d <= lastDay.getUTCDate();
}

/** jsonb_typeof's names. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** jsonb equality: key order does not matter. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (kindOf(a) !== kindOf(b) || typeof a !== 'object' || a === null) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
