import { DEFAULT_FRAME_ANCESTORS } from './constants.ts';
import { PortalSettingError } from './errors.ts';

/**
 * An origin a SaaS embeds the portal from, normalised (`https://App.example.com:443/` →
 * `https://app.example.com`). Only bare http(s) origins: anything else could widen or break the
 * Content-Security-Policy header the value is written into.
 */
export function parseFrameAncestor(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(value, 'it is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(value, 'use http or https');
  if (url.username || url.password) throw invalid(value, 'leave out user and password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(value)) {
    throw invalid(value, 'give the origin only, without a path, query or fragment');
  }
  if (value.includes('*')) throw invalid(value, 'wildcards are not accepted; list each origin');
  return url.origin;
}

/** The frame-ancestors directive for a tenant's origins ('none' when it lists none). */
export function frameAncestorsDirective(origins: readonly string[]): string {
  return `frame-ancestors ${origins.length > 0 ? origins.join(' ') : DEFAULT_FRAME_ANCESTORS}`;
}

const invalid = (value: string, why: string) =>
  new PortalSettingError(
    `portalFrameAncestors: "${value}" is not an origin (${why}), e.g. "https://app.example.com"`,
  );
