import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_CONTENT_TYPES, CONSOLE_INDEX, CONSOLE_SEPARATE_APPS } from './constants.ts';

export interface ConsoleFile {
  /** Absolute path, only ever taken from the directory listing, never from a request. */
  path: string;
  contentType: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Where console/ is: next to the bundle in the API Lambda (the esbuild afterBundling hook copies it
 * beside index.mjs), or at the repository root when run from source (this file is functions/api/console/).
 */
export const CONSOLE_DIR_CANDIDATES = [
  path.join(HERE, 'console'),
  path.resolve(HERE, '..', '..', '..', 'console'),
];

export function findConsoleDir(candidates: readonly string[] = CONSOLE_DIR_CANDIDATES): string | undefined {
  return candidates.find((dir) => existsSync(path.join(dir, CONSOLE_INDEX)));
}

/**
 * Every servable file under `dir`, keyed by its POSIX path relative to it. Requests are looked up
 * in this map only, so no request path ever reaches the file system (no traversal to guard).
 */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      // The tenant portal lives in console/portal/ but is its own app, served at /portal only.
      if (
        relative === '' &&
        entry.isDirectory() &&
        (CONSOLE_SEPARATE_APPS as readonly string[]).includes(entry.name)
      )
        continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      const contentType =
        CONSOLE_CONTENT_TYPES[path.extname(entry.name) as keyof typeof CONSOLE_CONTENT_TYPES];
      if (entry.isFile() && contentType) files.set(child, { path: path.join(dir, child), contentType });
    }
  };
  walk('');
  return files;
}
