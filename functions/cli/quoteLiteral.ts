import { UsageError } from './errors.ts';

/**
 * A PostgreSQL string literal for printed SQL. Works whatever standard_conforming_strings is: text
 * with a backslash becomes an E'' literal with the backslashes doubled (as node-postgres does).
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new UsageError('PostgreSQL text cannot contain a NUL character');
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}
