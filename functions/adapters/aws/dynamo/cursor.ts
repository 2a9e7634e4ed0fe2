import { InvalidCursorError } from './errors.ts';

/**
 * Opaque keyset cursors: base64url JSON of the last item's sort key. We page with a key condition
 * (`> key` / `< key`) rather than LastEvaluatedKey, so a cursor stays valid when its item is deleted
 * and carries no table key attributes (no partition, no other tenant's anything).
 */
export function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify([sortKey])).toString('base64url');
}

/** The sort key in a cursor; InvalidCursorError unless it is one we issued for this kind of list. */
export function decodeCursor(cursor: string, shape: RegExp): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const sortKey = Array.isArray(decoded) && decoded.length === 1 ? decoded[0] : undefined;
  if (typeof sortKey !== 'string' || !shape.test(sortKey)) throw new InvalidCursorError();
  return sortKey;
}
