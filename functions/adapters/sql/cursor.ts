import { InvalidCursorError } from './errors.ts';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((part, i) => typeof part !== shape[i])) {
    throw new InvalidCursorError(
      'cursor is not valid: pass the nextCursor value from a previous page unchanged',
    );
  }
  return key as (string | number)[];
}

/**
 * SQL for a timestamp column as cursor text with all six fractional digits: a JS Date keeps only
 * milliseconds, and a cursor that rounds would repeat or skip rows created in the same millisecond.
 */
export const cursorTimestamp = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
