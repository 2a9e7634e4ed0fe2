import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { RowhookError } from '../core/errors/RowhookError.ts';
import { FilterError } from '../core/filter/index.ts';
import { NetworkPolicyError } from '../core/network/errors.ts';
import type { ApiDependencies } from './ApiDependencies.ts';
import { consoleRoutes } from './console/consoleRoutes.ts';
import { ApiError } from './errors.ts';
import { portalRoutes } from './portal/portalRoutes.ts';
import { ApiRouter } from './registry/ApiRouter.ts';
import type { ApiEnv } from './registry/RouteSpec.ts';
import { attemptRoutes } from './routes/attemptRoutes.ts';
import { deadLetterRoutes } from './routes/deadLetterRoutes.ts';
import { endpointFeedRoutes } from './routes/endpointFeedRoutes.ts';
import { endpointRoutes } from './routes/endpointRoutes.ts';
import { eventRoutes } from './routes/eventRoutes.ts';
import { eventTypeRoutes } from './routes/eventTypeRoutes.ts';
import { metaRoutes } from './routes/metaRoutes.ts';
import { metricsRoutes } from './routes/metricsRoutes.ts';
import { operationalEventRoutes } from './routes/operationalEventRoutes.ts';
import { operatorEndpointRoutes } from './routes/operatorEndpointRoutes.ts';
import { portalSessionRoutes } from './routes/portalSessionRoutes.ts';
import { publishRoutes } from './routes/publishRoutes.ts';
import { recoveryRoutes } from './routes/recoveryRoutes.ts';
import { statsRoutes } from './routes/statsRoutes.ts';
import { tenantDataRoutes } from './routes/tenantDataRoutes.ts';
import { tenantRoutes } from './routes/tenantRoutes.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;
// Store errors that mean "that id is taken", whichever store raised them.
const CONFLICT_CODES = new Set(['tenant_exists', 'endpoint_exists', 'api_key_taken']);

/** The HTTP API: one Hono app, served by Node locally and by the API Lambda on AWS. */
export function createApp(deps: ApiDependencies) {
  const app = new Hono<ApiEnv>();
  // Every JSON route goes through the router, so /openapi.json documents it (see ApiRouter.ts).
  const router = new ApiRouter(app, deps);
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      // Answered here rather than thrown, to close the connection: the rest of the oversized
      // body is never read, so the socket cannot carry another request.
      onError: (c) =>
        c.json(
          {
            error: {
              code: 'payload_too_large',
              message: `request bodies are limited to ${MAX_REQUEST_BYTES} bytes`,
            },
          },
          413,
          { Connection: 'close' },
        ),
    }),
  );
  metaRoutes(router, deps);
  operationalEventRoutes(router, deps);
  metricsRoutes(router, deps);
  tenantRoutes(router, deps);
  tenantDataRoutes(router, deps);
  operatorEndpointRoutes(router, deps);
  endpointRoutes(router, deps);
  endpointFeedRoutes(router, deps);
  recoveryRoutes(router, deps);
  deadLetterRoutes(router, deps);
  attemptRoutes(router, deps);
  eventRoutes(router, deps);
  publishRoutes(router, deps);
  eventTypeRoutes(router, deps);
  portalSessionRoutes(router, deps);
  statsRoutes(router, deps);
  app.route('/console', consoleRoutes());
  app.route('/portal', portalRoutes(deps.portalSessions));

  app.notFound((c) =>
    c.json(
      {
        error: { code: 'not_found', message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` },
      },
      404,
    ),
  );
  app.onError((error, c) => {
    const { status, code, message } = toHttpError(error);
    if (status >= 500)
      deps.log({ level: 'error', msg: 'request failed', path: c.req.path, error: String(error) });
    return c.json({ error: { code, message } }, status as 400);
  });
  return app;
}

function toHttpError(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof FilterError || error instanceof NetworkPolicyError) {
    return { status: 400, code: error.code, message: error.message };
  }
  if (error instanceof RowhookError) {
    if (CONFLICT_CODES.has(error.code)) return { status: 409, code: error.code, message: error.message };
    if (error.code === 'unknown_tenant') return { status: 404, code: error.code, message: error.message };
    if (error.code === 'invalid_input') return { status: 400, code: error.code, message: error.message };
    if (error.code === 'invalid_cursor') return { status: 400, code: error.code, message: error.message };
    if (error.retryable)
      return { status: 503, code: 'unavailable', message: 'the database is unavailable; retry shortly' };
  }
  if (error instanceof HTTPException)
    return { status: error.status, code: 'http_error', message: error.message };
  return { status: 500, code: 'internal_error', message: 'internal error; the server log has the details' };
}
