import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../../functions/api/console/consoleRoutes.ts';
import { portalRoutes } from '../../../functions/api/portal/portalRoutes.ts';
import type { PortalSession } from '../../../functions/core/portal/PortalSession.ts';
import type { PortalSessions } from '../../../functions/ports/PortalSessions.ts';

/** The portal's static files: its own, the console's shared ones under common/, and uPlot from node_modules. */
const session: PortalSession = { id: 'ps_1', tenantId: 'acme', readOnly: false, expiresAt: new Date(0) };
const sessions = {
  find: async (id: string) => (id === session.id ? session : undefined),
  frameAncestors: async (tenantId: string) => (tenantId === 'acme' ? ['https://app.example.com'] : []),
} as unknown as PortalSessions;

const app = new Hono();
app.route('/portal', portalRoutes(sessions));
app.route('/console', consoleRoutes());

describe('portalRoutes', () => {
  it('keeps the session id when redirecting /portal to /portal/', async () => {
    const res = await app.request('/portal?session=ps_1');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('portal/?session=ps_1');
  });

  it("frames index.html from the session tenant's origins only; other files from nowhere", async () => {
    const page = await app.request('/portal/?session=ps_1');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors https://app.example.com');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await app.request('/portal/js/app.js?session=ps_1');
    expect(script.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('serves the portal (console/portal/) at /portal only, never under /console or /portal/common', async () => {
    expect((await app.request('/portal/js/app.js')).status).toBe(200);
    for (const path of [
      '/console/portal/js/app.js',
      '/console/portal/index.html',
      '/portal/common/portal/js/app.js',
    ])
      expect((await app.request(path)).status, path).toBe(404);
    // The console itself is still there.
    expect((await app.request('/console/js/app.js')).status).toBe(200);
  });

  it('serves the shared console modules and the two uPlot files, and nothing else of node_modules', async () => {
    for (const [path, type] of [
      ['/portal/common/js/dom.js', 'text/javascript'],
      ['/portal/common/js/shared/deliveryCharts.js', 'text/javascript'],
      ['/portal/common/vendor/uPlot.esm.js', 'text/javascript'],
      ['/portal/common/vendor/uPlot.min.css', 'text/css'],
      ['/console/vendor/uPlot.esm.js', 'text/javascript'],
    ] as const) {
      const res = await app.request(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toContain(type);
    }
    const esm = await (await app.request('/portal/common/vendor/uPlot.esm.js')).text();
    expect(esm).toContain('export { uPlot as default }');
    for (const path of [
      '/portal/common/vendor/uPlot.cjs.js',
      '/console/vendor/../package.json',
      '/portal/../package.json',
    ]) {
      expect({ path, status: (await app.request(path)).status }).toEqual({ path, status: 404 });
    }
  });
});
