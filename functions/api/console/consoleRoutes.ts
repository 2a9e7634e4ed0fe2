import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { CONSOLE_HEADERS, CONSOLE_INDEX } from './constants.ts';
import { type ConsoleFile, findConsoleDir, loadConsoleFiles } from './loadConsoleFiles.ts';

export interface ConsoleRoutesOptions {
  /** The folder holding index.html; found next to the bundle or at the repository root by default. */
  dir?: string;
}

/**
 * The operator web console: static files (no build step), mounted at /console. The page calls the
 * same API from the same origin with the admin token the operator types in.
 */
export function consoleRoutes(options: ConsoleRoutesOptions = {}) {
  const app = new Hono();
  // Listed per request (a few dozen small files): an edit shows on reload, and an API without the
  // console folder still starts.
  const consoleFiles = (): Map<string, ConsoleFile> | undefined => {
    const dir = findConsoleDir(options.dir ? [options.dir] : undefined);
    return dir ? loadConsoleFiles(dir) : undefined;
  };

  // Relative to the page's own URL, so the redirect also works under a path prefix.
  app.get('/', (c) => c.redirect(`${c.req.path.split('/').pop()}/`, 308));

  app.get('/*', async (c) => {
    const mountedAt = c.req.routePath.slice(0, -1);
    const name = c.req.path.slice(mountedAt.length) || CONSOLE_INDEX;
    const files = consoleFiles();
    const file = files?.get(name);
    if (!file) {
      const message = files
        ? `the console has no file "${name}"`
        : 'the console files are not installed with this API';
      return c.json({ error: { code: 'not_found', message } }, 404);
    }
    return c.body(new Uint8Array(await readFile(file.path)), 200, {
      ...CONSOLE_HEADERS,
      'Content-Type': file.contentType,
    });
  });
  return app;
}
