/** Portal tokens are told apart from API keys (rk_) and the admin token by this prefix. */
export const PORTAL_TOKEN_PREFIX = 'rps_';

/** Public portal session ids (they ride in the portal URL; the token does not). */
export const PORTAL_SESSION_ID_PREFIX = 'ps_';

/** Lifetimes in seconds: long enough to use a settings page, short enough that a leaked link dies soon. */
export const PORTAL_SESSION_SECONDS = {
  min: 60,
  default: 900,
  max: 3600,
} as const;

/** A tenant may list this many origins allowed to frame its portal. */
export const MAX_FRAME_ANCESTORS = 20;

/** Who may frame the portal when a tenant lists no origins: nobody (clickjacking is the default risk). */
export const DEFAULT_FRAME_ANCESTORS = "'none'";
