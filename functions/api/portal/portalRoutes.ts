import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { PortalSessions } from '../../ports/PortalSessions.ts';
import { listConsoleFiles } from '../console/consoleRoutes.ts';
import type { ConsoleFile } from '../console/loadConsoleFiles.ts';
import { loadConsoleFiles } from '../console/loadConsoleFiles.ts';
import { staticAnswer } from '../console/staticAnswer.ts';
import { PORTAL_COMMON_PREFIX, PORTAL_INDEX, portalHeaders } from './constants.ts';

export interface PortalRoutesOptions {
  /** The folder holding the portal's index.html; portal/ at the repository root by default. */
  dir?: string;
  consoleDir?: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PORTAL_DIR = path.resolve(HERE, '..', '..', '..', 'console', 'portal');

/**
 * The tenant portal: static files (no build step) mounted at /portal, which call the tenant routes
 * with the portal token from the URL fragment. The page is framed only by the origins its tenant
 * lists (PATCH /v1/tenants/{id}); the URL's `session` (a public id) says which tenant that is.
 */
export function portalRoutes(sessions: PortalSessions | undefined, options: PortalRoutesOptions = {}) {
  const app = new Hono();
  const files = (): Map<string, ConsoleFile> | undefined => {
    const dir = options.dir ?? PORTAL_DIR;
    if (!existsSync(path.join(dir, PORTAL_INDEX))) return undefined;
    const all = loadConsoleFiles(dir);
    for (const [name, file] of listConsoleFiles({ dir: options.consoleDir }) ?? []) {
      all.set(`${PORTAL_COMMON_PREFIX}${name}`, file);
    }
    return all;
  };

  const frameAncestors = async (sessionId: string | undefined): Promise<string[]> => {
    if (!sessions || !sessionId) return [];
    const session = await sessions.find(sessionId);
    return session ? sessions.frameAncestors(session.tenantId) : [];
  };

  app.get('/', (c) => {
    const url = new URL(c.req.url);
    return c.redirect(`${url.pathname.split('/').pop()}/${url.search}`, 308);
  });

  app.get('/*', async (c) => {
    const mountedAt = c.req.routePath.slice(0, -1);
    const name = c.req.path.slice(mountedAt.length) || PORTAL_INDEX;
    const ancestors = name === PORTAL_INDEX ? await frameAncestors(c.req.query('session')) : [];
    return staticAnswer(c, files(), name, portalHeaders(ancestors), 'portal');
  });
  return app;
}
