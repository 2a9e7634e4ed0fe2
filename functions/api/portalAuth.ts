import { PORTAL_TOKEN_PREFIX } from '../core/portal/constants.ts';
import type { PortalSession } from '../core/portal/PortalSession.ts';
import type { PortalSessions } from '../ports/PortalSessions.ts';
import { ApiError } from './errors.ts';

/** Methods that change nothing: the only ones a read-only portal session may call. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isPortalToken = (token: string) => token.startsWith(PORTAL_TOKEN_PREFIX);

/** The live session of a portal token (given as its SHA-256), or a 401 saying why there is none. */
export async function livePortalSession(
  tokenHash: Buffer,
  portal: PortalSessions | undefined,
  now = new Date(),
): Promise<PortalSession> {
  const session = await portal?.findByTokenHash(tokenHash);
  if (!session) {
    throw new ApiError(
      401,
      'unauthorized',
      'the portal token is not valid; open the portal again from a new link',
    );
  }
  if (session.expiresAt.getTime() <= now.getTime()) {
    throw new ApiError(
      401,
      'session_expired',
      `the portal session expired at ${session.expiresAt.toISOString()}; open the portal again from a new link`,
    );
  }
  return session;
}

/**
 * The tenant a portal token acts for. Checked here, in the guard every tenant route goes through,
 * so a read-only session is refused on every mutating route, including routes added later.
 */
export async function tenantOfPortalToken(
  tokenHash: Buffer,
  method: string,
  portal: PortalSessions | undefined,
): Promise<string> {
  const session = await livePortalSession(tokenHash, portal);
  if (session.readOnly && !SAFE_METHODS.has(method.toUpperCase())) {
    throw new ApiError(
      403,
      'read_only_session',
      'this portal session is read-only: it can look at endpoints and deliveries but not change anything',
    );
  }
  return session.tenantId;
}
