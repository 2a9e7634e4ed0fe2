import { tmpdir } from 'node:os';

/**
 * Where files the `postgres` user must reach go when the checkout is private, best first: the OS
 * temp dir (TMPDIR), then the usual shared ones in case TMPDIR points somewhere private.
 */
export function scratchFolders(): string[] {
  return [...new Set([tmpdir(), '/var/tmp', '/tmp'])];
}
