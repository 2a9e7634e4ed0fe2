import { SCHEMA_FORMATS, SCHEMA_KEYWORDS, SCHEMA_TYPES } from './constants.ts';

const KNOWN = new Set<string>([...SCHEMA_KEYWORDS, '$schema', 'examples']);
const TYPES = new Set<string>(SCHEMA_TYPES);
const FORMATS = new Set<string>(SCHEMA_FORMATS);
const MAX_DEPTH = 32;

/**
 * Why `schema` cannot be registered, naming where ("schema.properties.email.type: ..."), or null.
 * Registered schemas must stay within the subset both validators apply (findSchemaViolation and
 * rowhook.schema_violation): a keyword they would ignore is refused rather than silently unchecked.
 */
export function checkSchemaSubset(schema: unknown, path = 'schema', depth = 0): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return `${path}: must be a JSON object (a JSON Schema)`;
  if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH} levels`;
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!KNOWN.has(key)) return `${path}.${key}: unsupported keyword; use ${SCHEMA_KEYWORDS.join(', ')}`;
  }
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.length === 0) return `${path}.type: must name at least one type`;
    for (const type of types) {
      if (typeof type !== 'string' || !TYPES.has(type))
        return `${path}.type: ${JSON.stringify(type)} is not one of ${SCHEMA_TYPES.join(', ')}`;
    }
  }
  if ('properties' in s) {
    const properties = s.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
      return `${path}.properties: must be an object of schemas`;
    for (const [name, sub] of Object.entries(properties)) {
      const found = checkSchemaSubset(sub, `${path}.properties.${name}`, depth + 1);
      if (found) return found;
    }
  }
  if ('required' in s && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string')))
    return `${path}.required: must be an array of property names`;
  if ('additionalProperties' in s && typeof s.additionalProperties !== 'boolean')
    return `${path}.additionalProperties: must be true or false`;
  if ('items' in s) {
    const found = checkSchemaSubset(s.items, `${path}.items`, depth + 1);
    if (found) return found;
  }
  if ('enum' in s && !(Array.isArray(s.enum) && s.enum.length > 0))
    return `${path}.enum: must be a non-empty array of allowed values`;
  if ('anyOf' in s) {
    if (!(Array.isArray(s.anyOf) && s.anyOf.length > 0))
      return `${path}.anyOf: must be a non-empty array of schemas`;
    for (const [i, branch] of s.anyOf.entries()) {
      const found = checkSchemaSubset(branch, `${path}.anyOf[${i}]`, depth + 1);
      if (found) return found;
    }
  }
  if ('format' in s && !(typeof s.format === 'string' && FORMATS.has(s.format)))
    return `${path}.format: ${JSON.stringify(s.format)} is not one of ${SCHEMA_FORMATS.join(', ')}`;
  return null;
}
