import { randomBytes } from 'node:crypto';

/** Short, sortable-ish and unique enough for concurrent runs: also the tenant id suffix and URL segment. */
export function newRunId(now: number = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}
