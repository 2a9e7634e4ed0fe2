import { randomBytes } from 'node:crypto';
import { PORTAL_SESSION_ID_PREFIX, PORTAL_TOKEN_PREFIX } from './constants.ts';

/** A fresh session id (public) and token (secret, 256 bits, shown once). */
export function newPortalCredentials(): { id: string; token: string } {
  return {
    id: `${PORTAL_SESSION_ID_PREFIX}${randomBytes(12).toString('hex')}`,
    token: `${PORTAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`,
  };
}
