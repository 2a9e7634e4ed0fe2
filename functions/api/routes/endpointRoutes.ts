import { Hono } from 'hono';
import { compileFilter } from '../../core/filter/index.ts';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { newRandomId, toPublicId } from '../../core/ids/prefixedId.ts';
import { checkEndpointUrl } from '../../core/network/checkEndpointUrl.ts';
import { generateSecret } from '../../core/signing/generateSecret.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { type AuthVariables, requireTenant } from '../auth.ts';
import { notFound } from '../errors.ts';
import { presentAttempt, presentEndpoint } from '../presenters.ts';
import { createEndpointSchema, pageQuerySchema, updateEndpointSchema } from '../schemas.ts';
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

  app.post('/', async (c) => {
    const input = await parseJsonBody(c, createEndpointSchema);
    const url = await checkUrl(input.url);
    if (input.filter) compileFilter(input.filter);
    const id = newRandomId(ID_PREFIXES.endpoint);
    const secret = generateSecret();
    const endpoint = await deps.subscriptions.createEndpoint({
      id,
      tenantId: c.get('tenantId'),
      url: url.toString(),
      description: input.description ?? '',
      eventTypes: input.eventTypes ?? null,
      filter: input.filter ?? null,
      enabled: input.enabled ?? true,
    });
    // Two stores (Secrets Manager on AWS): undo the endpoint rather than leave it unsignable.
    await deps.secrets.create(id, secret).catch(async (error: unknown) => {
      await deps.subscriptions.deleteEndpoint(endpoint.tenantId, id).catch(() => {});
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
    const patch = await parseJsonBody(c, updateEndpointSchema);
    if (patch.url !== undefined) patch.url = (await checkUrl(patch.url)).toString();
    if (patch.filter) compileFilter(patch.filter);
    const endpoint = await deps.subscriptions.updateEndpoint(c.get('tenantId'), c.req.param('id'), patch);
    if (!endpoint) throw notFound('endpoint', c.req.param('id'));
    return c.json(presentEndpoint(endpoint));
  });

  app.delete('/:id', async (c) => {
    if (!(await deps.subscriptions.deleteEndpoint(c.get('tenantId'), c.req.param('id')))) {
      throw notFound('endpoint', c.req.param('id'));
    }
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
