/** A JSON Schema (2020-12) as plain JSON; Rowhook reads the subset listed in SCHEMA_KEYWORDS. */
export type JsonSchema = { [keyword: string]: unknown };

/** A JSON value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
