import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { PortalSessions } from '../ports/PortalSessions.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { ApiError } from './errors.ts';
import { isPortalToken, tenantOfPortalToken } from './portalAuth.ts';

export const API_KEY_PREFIX = 'rk_';

export function hashSecret(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A tenant API key: shown once, stored as its SHA-256. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
}

function bearer(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) {
    throw new ApiError(
      401,
      'unauthorized',
      'send "Authorization: Bearer <token>" (an admin token or a tenant API key)',
    );
  }
  return match[1];
}

export type AuthVariables = { tenantId: string };

export function requireAdmin(adminTokenHash: Buffer): MiddlewareHandler {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    if (!isAdminToken(token, adminTokenHash)) {
      const tenantCredential = token.startsWith(API_KEY_PREFIX) || isPortalToken(token);
      throw new ApiError(
        tenantCredential ? 403 : 401,
        tenantCredential ? 'forbidden' : 'unauthorized',
        tenantCredential
          ? 'this route is for operators: use the admin token, not a tenant API key or portal token'
          : 'the admin token is not valid',
      );
    }
    await next();
  };
}

/** A tenant API key, or a portal session's token (see portalAuth.ts), acting for its tenant. */
export function requireTenant(
  subscriptions: SubscriptionStore,
  portal?: PortalSessions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (isPortalToken(token)) {
      c.set('tenantId', await tenantOfPortalToken(hashSecret(token), c.req.method, portal));
      return next();
    }
    const tenantId = token.startsWith(API_KEY_PREFIX)
      ? await subscriptions.findTenantIdByApiKeyHash(hashSecret(token))
      : undefined;
    if (!tenantId)
      throw new ApiError(
        401,
        'unauthorized',
        'the API key is not valid; tenant routes need a tenant API key',
      );
    c.set('tenantId', tenantId);
    await next();
  };
}

const isAdminToken = (token: string, adminTokenHash: Buffer) =>
  timingSafeEqual(hashSecret(token), adminTokenHash);

/**
 * Routes both sides use (e.g. the attempt tail): a tenant key is scoped to its tenant (tenantId set),
 * the admin token sees every tenant (tenantId left unset).
 */
export function requireAdminOrTenant(
  adminTokenHash: Buffer,
  subscriptions: SubscriptionStore,
  portal?: PortalSessions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const tenant = requireTenant(subscriptions, portal);
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    if (token.startsWith(API_KEY_PREFIX) || isPortalToken(token)) return tenant(c, next);
    if (!isAdminToken(token, adminTokenHash)) {
      throw new ApiError(401, 'unauthorized', 'send the admin token or a tenant API key');
    }
    await next();
  };
}
