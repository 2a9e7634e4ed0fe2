/**
 * Usage: every JSON route is added through an ApiRouter, so GET /openapi.json documents it from the
 * same zod schemas that validate it (nothing is written twice).
 *
 *   export function widgetRoutes(router: ApiRouter, deps: ApiDependencies) {
 *     router.add(
 *       { method: 'get', path: '/v1/widgets/:id', tag: 'Widgets', summary: 'One widget', auth: 'admin',
 *         query: widgetQuerySchema, responses: { 200: { description: 'The widget', schema: widgetSchema } } },
 *       async (c, { query, params }) => c.json(await load(params.id, query)),
 *     );
 *   }
 * then call `widgetRoutes(router, deps)` in createApp.ts. `auth`: 'admin' | 'tenant' | 'either' | 'none'
 * (tenant keys set c.get('tenantId'); the admin token leaves it unset). Query/body are
 * parsed before the handler (4xx JSON errors). Non-JSON answers: `{ description, contentType: 'text/plain' }`.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { requireAdmin, requireAdminOrTenant, requireTenant } from '../auth.ts';
import { parseJsonBody, parseQuery } from '../validation.ts';
import type { ApiEnv, RouteAuth, RouteSpec } from './RouteSpec.ts';

export type RouteInput<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> = {
  query: Q extends z.ZodType ? z.output<Q> : undefined;
  body: B extends z.ZodType ? z.output<B> : undefined;
  params: Record<string, string>;
};

export type RouteHandler<Q extends z.ZodType | undefined, B extends z.ZodType | undefined> = (
  c: Context<ApiEnv>,
  input: RouteInput<Q, B>,
) => Response | Promise<Response>;

export class ApiRouter {
  private readonly added: RouteSpec[] = [];
  private readonly guards: Record<RouteAuth, MiddlewareHandler<ApiEnv> | null>;

  constructor(
    private readonly app: Hono<ApiEnv>,
    deps: Pick<ApiDependencies, 'adminTokenHash' | 'subscriptions' | 'portalSessions'>,
  ) {
    this.guards = {
      admin: requireAdmin(deps.adminTokenHash),
      tenant: requireTenant(deps.subscriptions, deps.portalSessions),
      either: requireAdminOrTenant(deps.adminTokenHash, deps.subscriptions, deps.portalSessions),
      none: null,
    };
  }

  /** Routes are matched in the order they are added: add static paths before `:param` ones. */
  add<Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<Q, B>,
    handler: RouteHandler<Q, B>,
  ): void {
    this.added.push(spec as RouteSpec);
    const guard = this.guards[spec.auth];
    const run = async (c: Context<ApiEnv>) => {
      const query = spec.query ? parseQuery(c, spec.query) : undefined;
      const body = spec.body ? await parseBody(c, spec.body, spec.bodyOptional === true) : undefined;
      return handler(c, { query, body, params: c.req.param() } as RouteInput<Q, B>);
    };
    const method = spec.method.toUpperCase();
    if (guard) this.app.on(method, spec.path, guard, run);
    else this.app.on(method, spec.path, run);
  }

  /** Everything added so far, in order: what the OpenAPI document is built from. */
  get specs(): readonly RouteSpec[] {
    return this.added;
  }
}

/** An optional body may be left out entirely (no bytes); then the schema sees `{}`. */
async function parseBody<S extends z.ZodType>(c: Context, schema: S, optional: boolean) {
  if (optional && !hasBody(c)) {
    const result = schema.safeParse({});
    if (result.success) return result.data;
  }
  return parseJsonBody(c, schema);
}

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  if (length !== undefined) return Number(length) > 0;
  return c.req.header('transfer-encoding') !== undefined;
}
