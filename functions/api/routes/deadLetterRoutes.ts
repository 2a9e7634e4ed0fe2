import { Hono } from 'hono';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { fromPublicId, toPublicId } from '../../core/ids/prefixedId.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { requireAdmin } from '../auth.ts';
import { notFound } from '../errors.ts';
import { presentAttempt, presentDeadLetter } from '../presenters.ts';
import { deadLetterQuerySchema, redriveFilterSchema } from '../schemas.ts';
import { parseJsonBody, parseQuery } from '../validation.ts';

export function deadLetterRoutes(deps: ApiDependencies) {
  const app = new Hono();
  app.use('*', requireAdmin(deps.adminTokenHash));

  const deliveryId = (publicId: string) => {
    const id = fromPublicId(ID_PREFIXES.delivery, publicId);
    if (!id) throw notFound('dead letter', publicId);
    return id;
  };

  app.get('/', async (c) => {
    const query = parseQuery(c, deadLetterQuerySchema);
    const result = await deps.deadLetters.list(
      { tenantId: query.tenantId, endpointId: query.endpointId, eventType: query.eventType },
      { limit: query.limit, cursor: query.cursor ?? null },
    );
    return c.json({ items: result.items.map(presentDeadLetter), nextCursor: result.nextCursor });
  });

  // Registered before "/:id" routes so "redrive" is never taken for an id.
  app.post('/redrive', async (c) => {
    const filter = await parseJsonBody(c, redriveFilterSchema);
    const count = await deps.deadLetters.redriveMatching(filter);
    deps.log({ msg: 'dead letters redriven', count, ...filter });
    return c.json({ count }, 202);
  });

  app.get('/:id', async (c) => {
    const id = deliveryId(c.req.param('id'));
    const item = await deps.deadLetters.get(id);
    if (!item) throw notFound('dead letter', c.req.param('id'));
    const attempts = await deps.deliveryLog.listForDelivery(id);
    return c.json({
      ...presentDeadLetter(item),
      body: item.body,
      webhookId: toPublicId(ID_PREFIXES.event, item.eventId),
      attemptsLog: attempts.map(presentAttempt),
    });
  });

  app.post('/:id/redrive', async (c) => {
    if (!(await deps.deadLetters.redrive(deliveryId(c.req.param('id')))))
      throw notFound('dead letter', c.req.param('id'));
    return c.json({ redriven: 1 }, 202);
  });

  app.delete('/:id', async (c) => {
    if (!(await deps.deadLetters.discard(deliveryId(c.req.param('id')))))
      throw notFound('dead letter', c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
