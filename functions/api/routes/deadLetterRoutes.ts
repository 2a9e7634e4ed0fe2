import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { fromPublicId, toPublicId } from '../../core/ids/prefixedId.ts';
import { signPayload } from '../../core/signing/signPayload.ts';
import { webhookHeaders } from '../../core/signing/webhookHeaders.ts';
import type { DeadLetterDetail, DeadLetterFilter } from '../../ports/DeadLetters.ts';
import type { AttemptView } from '../../ports/DeliveryLog.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { notFound } from '../errors.ts';
import {
  deadLetterQuerySchema,
  deadLetterSummaryQuerySchema,
  redriveFilterSchema,
} from '../operatorSchemas.ts';
import { presentAttemptLogEntry, presentDeadLetter } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import {
  deadLetterDetailSchema,
  deadLetterSchema,
  deadLetterSummarySchema,
  page,
  redriveResultSchema,
} from '../responseSchemas.ts';

const TAG = 'Dead letters';
const ID_PARAM = { id: 'Dead-letter id (dlv_...)' };

export function deadLetterRoutes(router: ApiRouter, deps: ApiDependencies) {
  const deliveryId = (publicId: string) => {
    const id = fromPublicId(ID_PREFIXES.delivery, publicId);
    if (!id) throw notFound('dead letter', publicId);
    return id;
  };

  router.add(
    {
      method: 'get',
      path: '/v1/dead-letters',
      tag: TAG,
      summary: 'List dead letters, newest failure first, by tenant, endpoint, type, failure class and time',
      auth: 'admin',
      query: deadLetterQuerySchema,
      responses: { 200: { description: 'A page of dead letters', schema: page(deadLetterSchema) } },
    },
    async (c, { query: { limit, cursor, ...filter } }) => {
      const result = await deps.deadLetters.list(filter, { limit, cursor: cursor ?? null });
      return c.json({ items: result.items.map(presentDeadLetter), nextCursor: result.nextCursor });
    },
  );

  // Static paths before "/:id", so "summary" and "redrive" are never taken for ids.
  router.add(
    {
      method: 'get',
      path: '/v1/dead-letters/summary',
      tag: TAG,
      summary: 'Dead-letter counts grouped by tenant, endpoint and failure class, largest first',
      auth: 'admin',
      query: deadLetterSummaryQuerySchema,
      responses: { 200: { description: 'Counts and time ranges', schema: deadLetterSummarySchema } },
    },
    async (c, { query }) => {
      const summary = await deps.deadLetters.summarize(query);
      return c.json({
        total: summary.total,
        groups: summary.groups.map((g) => ({
          ...g,
          firstFailedAt: g.firstFailedAt.toISOString(),
          lastFailedAt: g.lastFailedAt.toISOString(),
        })),
      });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/dead-letters/redrive',
      tag: TAG,
      summary:
        'Redrive the dead letters matching a filter (or the listed ids), at most `limit`, oldest first',
      description:
        'Answers how many were redriven and how many still match. To show progress over a large backlog, ' +
        'send `limit` and `to` = the time you started, and repeat until `remaining` is 0.',
      auth: 'admin',
      body: redriveFilterSchema,
      responses: { 202: { description: 'Queued for delivery again', schema: redriveResultSchema } },
    },
    async (c, { body: { ids, limit, ...rest } }) => {
      const filter: DeadLetterFilter = {
        ...rest,
        ...(ids ? { ids: ids.map((id) => fromPublicId(ID_PREFIXES.delivery, id) as string) } : {}),
      };
      const count = await deps.deadLetters.redriveMatching(filter, limit);
      const remaining = await deps.deadLetters.count(filter);
      deps.log({ msg: 'dead letters redriven', count, remaining, ...rest, ids: ids?.length });
      return c.json({ count, remaining }, 202);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/dead-letters/:id',
      tag: TAG,
      summary: 'One dead letter: the event body, the signed headers and every attempt, oldest first',
      auth: 'admin',
      params: ID_PARAM,
      responses: { 200: { description: 'The dead letter', schema: deadLetterDetailSchema } },
    },
    async (c, { params }) => {
      const id = deliveryId(params.id as string);
      const item = await deps.deadLetters.get(id);
      if (!item) throw notFound('dead letter', params.id as string);
      const attempts = await deps.deliveryLog.listForDelivery(id);
      return c.json({
        ...presentDeadLetter(item),
        body: item.body,
        webhookId: toPublicId(ID_PREFIXES.event, item.eventId),
        headers: await signedHeaders(deps, item, attempts.at(-1)),
        attemptsLog: attempts.map(presentAttemptLogEntry),
      });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/dead-letters/:id/redrive',
      tag: TAG,
      summary: 'Redrive one dead letter (same webhook-id, fresh attempts)',
      auth: 'admin',
      params: ID_PARAM,
      responses: { 202: { description: 'Queued for delivery again' } },
    },
    async (c, { params }) => {
      if (!(await deps.deadLetters.redrive(deliveryId(params.id as string))))
        throw notFound('dead letter', params.id as string);
      return c.json({ redriven: 1 }, 202);
    },
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/dead-letters/:id',
      tag: TAG,
      summary: 'Discard a dead letter for good',
      auth: 'admin',
      params: ID_PARAM,
      responses: { 204: { description: 'Discarded' } },
    },
    async (c, { params }) => {
      if (!(await deps.deadLetters.discard(deliveryId(params.id as string))))
        throw notFound('dead letter', params.id as string);
      return c.body(null, 204);
    },
  );
}

/**
 * The headers of the last attempt, re-signed: signatures are not stored, and the signature of the
 * same id, timestamp and body is the same while the endpoint's secrets are (after a rotation it is
 * what the current secrets sign). Null when no attempt was made or the endpoint has no secret.
 */
async function signedHeaders(deps: ApiDependencies, item: DeadLetterDetail, last: AttemptView | undefined) {
  if (!last) return null;
  const secrets = (await deps.secrets.activeSecrets([item.endpointId])).get(item.endpointId) ?? [];
  if (secrets.length === 0) return null;
  const id = toPublicId(ID_PREFIXES.event, item.eventId);
  const signature = signPayload({ id, timestamp: last.webhookTimestamp, body: item.body, secrets });
  return {
    ...webhookHeaders({ id, timestamp: last.webhookTimestamp, signature }),
    'content-type': 'application/json',
  };
}
