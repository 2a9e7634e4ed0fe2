import type { z } from 'zod';

/** Who may call a route: the admin token, a tenant API key, either, or anyone. */
export type RouteAuth = 'admin' | 'tenant' | 'either' | 'none';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Hono variables set by the auth guards: `tenantId` is the caller's tenant for tenant keys; it is
 * unset for the admin token (read it as `string | undefined` on 'either' routes).
 */
export type ApiEnv = { Variables: { tenantId: string } };

export interface ResponseSpec {
  description: string;
  /** JSON body; omitted for empty answers (204) or when `contentType` is not JSON. */
  schema?: z.ZodType;
  /** Defaults to application/json when there is a schema. */
  contentType?: string;
}

export interface RouteSpec<
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Hono syntax (`/v1/things/:id`); the document writes `{id}`. */
  path: string;
  /** Groups operations in the document and on /docs. */
  tag: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  /** Descriptions of the `:params` in `path`, by name. */
  params?: Record<string, string>;
  query?: Q;
  body?: B;
  /** The body may be left out (then it is parsed as `{}`). */
  bodyOptional?: boolean;
  /** Successful answers by status; error answers are added from `auth`, `query`, `body` and `params`. */
  responses: Record<number, ResponseSpec>;
}
