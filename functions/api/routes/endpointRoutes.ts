import { Hono } from 'hono';
import { compileFilter } from '../../core/filter/index.ts';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { newRandomId, toPublicId } from '../../core/ids/prefixedId.ts';
import { checkEndpointUrl } from '../../core/network/checkEndpointUrl.ts';
import { generateSecret } from '../../core/signing/generateSecret.ts';
import {
  DEDICATED_STATUSES,
  ENDPOINT_TIERS,
  ENDPOINT_TRANSPORTS,
  type EndpointTransport,
  wantsApiDestination,
} from '../../core/subscriptions/Endpoint.ts';
import type { EndpointPatch } from '../../ports/SubscriptionStore.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { type AuthVariables, requireTenant } from '../auth.ts';
import { ApiError, notFound } from '../errors.ts';
import { presentAttempt, presentEndpoint } from '../presenters.ts';
import {
  AUTH_SECRET_NAMES,
  createEndpointSchema,
  pageQuerySchema,
  updateEndpointSchema,
} from '../schemas.ts';
import { parseJsonBody, parseQuery } from '../validation.ts';

export function endpointRoutes(deps: ApiDependencies) {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', requireTenant(deps.subscriptions));

  const checkUrl = (url: string) =>
    checkEndpointUrl(url, {
      policy: deps.addressPolicy,
      resolve: deps.resolveHost,
      requireHttps: deps.requireHttps,
    });

  const load = async (tenantId: string, id: string) => {
    const endpoint = await deps.subscriptions.getEndpoint(tenantId, id);
    if (!endpoint) throw notFound('endpoint', id);
    return endpoint;
  };

  /**
   * What `dedicated` becomes after a change to the settings that shape the API destination: pending
   * (the sync Lambda makes it active, or fallback-pooled) when one is wanted, else null. The relay
   * routes to an API destination only while it is active, so until the sync is done it is pooled.
   */
  const dedicatedAfterChange = async (tenantId: string, transport: EndpointTransport | undefined) => {
    const tenant = await deps.subscriptions.getTenant(tenantId);
    return wantsApiDestination({ transport }, tenant?.tier ?? ENDPOINT_TIERS.pooled)
      ? { apiDestinationArn: null, status: DEDICATED_STATUSES.pending, reason: null }
      : null;
  };

  app.post('/', async (c) => {
    const input = await parseJsonBody(c, createEndpointSchema);
    const url = await checkUrl(input.url);
    if (input.filter) compileFilter(input.filter);
    const tenantId = c.get('tenantId');
    const id = newRandomId(ID_PREFIXES.endpoint);
    const secret = generateSecret();
    // Before the endpoint exists: on AWS its creation starts the sync, which reads this secret.
    if (input.authSecret !== undefined) await deps.secrets.putAuthSecret(id, input.authSecret);
    const endpoint = await deps.subscriptions
      .createEndpoint({
        id,
        tenantId,
        url: url.toString(),
        description: input.description ?? '',
        eventTypes: input.eventTypes ?? null,
        filter: input.filter ?? null,
        enabled: input.enabled ?? true,
        transport: input.transport ?? ENDPOINT_TRANSPORTS.auto,
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        maxConcurrency: input.maxConcurrency ?? null,
        auth: input.auth ?? null,
        dedicated: await dedicatedAfterChange(tenantId, input.transport),
      })
      .catch(async (error: unknown) => {
        if (input.authSecret !== undefined) await deps.secrets.delete(id).catch(() => {});
        throw error;
      });
    // Two stores (Secrets Manager on AWS): undo the endpoint rather than leave it unsignable.
    await deps.secrets.create(id, secret).catch(async (error: unknown) => {
      await deps.subscriptions.deleteEndpoint(endpoint.tenantId, id).catch(() => {});
      await deps.secrets.delete(id).catch(() => {});
      throw error;
    });
    return c.json({ ...presentEndpoint(endpoint), secret }, 201);
  });

  app.get('/', async (c) => {
    const page = parseQuery(c, pageQuerySchema);
    const result = await deps.subscriptions.listEndpoints(c.get('tenantId'), {
      limit: page.limit,
      cursor: page.cursor ?? null,
    });
    return c.json({ items: result.items.map(presentEndpoint), nextCursor: result.nextCursor });
  });

  app.get('/:id', async (c) => c.json(presentEndpoint(await load(c.get('tenantId'), c.req.param('id')))));

  app.patch('/:id', async (c) => {
    const { authSecret, ...patch }: EndpointPatch & { authSecret?: string } = await parseJsonBody(
      c,
      updateEndpointSchema,
    );
    if (patch.url !== undefined) patch.url = (await checkUrl(patch.url)).toString();
    if (patch.filter) compileFilter(patch.filter);
    const tenantId = c.get('tenantId');
    const current = await load(tenantId, c.req.param('id'));
    const auth = patch.auth === undefined ? (current.auth ?? null) : patch.auth;
    if (authSecret !== undefined && auth === null) {
      throw new ApiError(400, 'invalid_request', 'authSecret: the endpoint has no auth; send auth with it');
    }
    if (patch.auth && authSecret === undefined && current.auth?.type !== patch.auth.type) {
      throw new ApiError(
        400,
        'invalid_request',
        `authSecret: is required when auth changes to ${patch.auth.type}: ${AUTH_SECRET_NAMES[patch.auth.type]}`,
      );
    }
    // A change to anything the API destination is built from asks the sync for a new pass.
    const reshaped =
      ['url', 'transport', 'rateLimitPerSecond', 'auth'].some((key) => key in patch) ||
      authSecret !== undefined;
    if (reshaped) {
      patch.dedicated = await dedicatedAfterChange(tenantId, patch.transport ?? current.transport);
    }
    if (authSecret !== undefined) await deps.secrets.putAuthSecret(current.id, authSecret);
    const endpoint = await deps.subscriptions.updateEndpoint(tenantId, current.id, patch);
    if (!endpoint) throw notFound('endpoint', current.id);
    return c.json(presentEndpoint(endpoint));
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await deps.subscriptions.deleteEndpoint(c.get('tenantId'), id))) throw notFound('endpoint', id);
    // The endpoint is gone either way: a secret left behind is logged for an operator, not a 500
    // the client could only answer with a retry that would say 404.
    await deps.secrets.delete(id).catch((error: unknown) => {
      deps.log({
        level: 'error',
        msg: 'deleting the secrets of a deleted endpoint failed',
        endpointId: id,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return c.body(null, 204);
  });

  app.get('/:id/secret', async (c) => {
    const endpoint = await load(c.get('tenantId'), c.req.param('id'));
    const secrets = (await deps.secrets.activeSecrets([endpoint.id])).get(endpoint.id) ?? [];
    return c.json({ secret: secrets[0] ?? null });
  });

  app.post('/:id/rotate-secret', async (c) => {
    const endpoint = await load(c.get('tenantId'), c.req.param('id'));
    const secret = generateSecret();
    await deps.secrets.rotate(endpoint.id, secret, deps.secretOverlapMs);
    return c.json({
      secret,
      previousSecretsExpireAt: new Date(Date.now() + deps.secretOverlapMs).toISOString(),
    });
  });

  app.post('/:id/test', async (c) => {
    const endpoint = await load(c.get('tenantId'), c.req.param('id'));
    const body = JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date().toISOString(),
      data: { endpointId: endpoint.id, message: 'This is a test event from Rowhook.' },
    });
    const eventId = await deps.outbox.append({
      tenantId: endpoint.tenantId,
      type: 'webhook.test',
      body,
      targetEndpointId: endpoint.id,
    });
    deps.onOutboxWrite();
    return c.json({ eventId: toPublicId(ID_PREFIXES.event, eventId) }, 202);
  });

  app.get('/:id/deliveries', async (c) => {
    const endpoint = await load(c.get('tenantId'), c.req.param('id'));
    const page = parseQuery(c, pageQuerySchema);
    const result = await deps.deliveryLog.listForEndpoint(endpoint.tenantId, endpoint.id, {
      limit: page.limit,
      cursor: page.cursor ?? null,
    });
    return c.json({ items: result.items.map(presentAttempt), nextCursor: result.nextCursor });
  });
  return app;
}
