import { Hono } from 'hono';
import { CONSOLE_HEADERS, CONSOLE_INDEX } from './constants.ts';
import { type ConsoleFile, findConsoleDir, loadConsoleFiles } from './loadConsoleFiles.ts';
import { staticAnswer } from './staticAnswer.ts';
import { vendorFiles } from './vendorFiles.ts';

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
  const consoleFiles = () => listConsoleFiles(options);

  // Relative to the page's own URL, so the redirect also works under a path prefix.
  app.get('/', (c) => c.redirect(`${c.req.path.split('/').pop()}/`, 308));

  app.get('/*', async (c) => {
    const mountedAt = c.req.routePath.slice(0, -1);
    const name = c.req.path.slice(mountedAt.length) || CONSOLE_INDEX;
    return staticAnswer(c, consoleFiles(), name, CONSOLE_HEADERS, 'console');
  });
  return app;
}

/** The console's files and the vendor files it loads (the portal serves them too, under common/). */
export function listConsoleFiles(options: ConsoleRoutesOptions = {}): Map<string, ConsoleFile> | undefined {
  const dir = findConsoleDir(options.dir ? [options.dir] : undefined);
  return dir ? new Map([...loadConsoleFiles(dir), ...vendorFiles()]) : undefined;
}
