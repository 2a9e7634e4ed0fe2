import { frameAncestorsDirective } from '../../core/portal/frameAncestors.ts';

export const PORTAL_INDEX = 'index.html';

/** Files of console/ the portal shares (DOM helpers, formatting, charts, styles), served under this prefix. */
export const PORTAL_COMMON_PREFIX = 'common/';

/**
 * The console's policy (same-origin everything, no inline code: the portal token lives in the
 * page's sessionStorage) except who may frame it: the tenant's listed origins, else nobody.
 */
export function portalHeaders(frameAncestors: readonly string[]): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    frameAncestorsDirective(frameAncestors),
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // X-Frame-Options cannot list origins; browsers that know frame-ancestors ignore it, so it is
    // sent only when nobody may frame the page, for the ones that do not.
    ...(frameAncestors.length === 0 ? { 'X-Frame-Options': 'DENY' } : {}),
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}
