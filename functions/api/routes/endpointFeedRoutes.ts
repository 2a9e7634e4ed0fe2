import { z } from 'zod';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { toPublicId } from '../../core/ids/prefixedId.ts';
import { createSigner } from '../../core/signing/createSigner.ts';
import { webhookHeaders } from '../../core/signing/webhookHeaders.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError, notFound } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';

const FEED_LIMIT = { default: 50, max: 250 } as const;

// Strict, like every list query: a misspelt ?afer= must fail, not replay the feed from the start.
const feedQuerySchema = z.strictObject({
  after: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more: the last webhook-sequence you processed (0 for the start)')
    .default(0),
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(FEED_LIMIT.max)
    .default(FEED_LIMIT.default),
});

const feedItemSchema = z.object({
  sequence: z.number().meta({ description: 'Per-endpoint sequence number, in commit order' }),
  eventId: z.string(),
  eventType: z.string(),
  occurredAt: z.string().meta({ format: 'date-time' }),
  body: z.string().meta({
    description: 'The event JSON exactly as delivered (the signed bytes): verify it before parsing',
  }),
  headers: z.record(z.string(), z.string()).meta({
    description:
      'The headers a delivery carries (webhook-id, webhook-timestamp, webhook-signature, webhook-sequence), ' +
      "signed now with the endpoint's current secret(s): verify with any Standard Webhooks library",
  }),
});

const feedSchema = z.object({
  items: z.array(feedItemSchema).meta({ description: 'Ascending sequence, no gaps' }),
  nextAfter: z.number().meta({
    description: 'Pass as `after` next time: the last sequence returned (unchanged when nothing was new)',
  }),
});

/**
 * The catch-up feed: what was matched to an endpoint, by sequence number, signed as a delivery
 * would be, so a receiver that saw 41 then 43 can fetch 42 and verify it the same way.
 */
export function endpointFeedRoutes(router: ApiRouter, deps: ApiDependencies) {
  router.add(
    {
      method: 'get',
      path: '/v1/endpoints/:id/events',
      tag: 'Endpoints',
      auth: 'tenant',
      summary:
        "The events matched to this endpoint after a sequence number, signed with the endpoint's secrets",
      description:
        'Ascending `webhook-sequence`, gap-free: sequence N+1 is never returned unless N is readable. ' +
        'Poll with `after` = the last sequence processed. Each item carries its exact body and the ' +
        'headers a delivery would carry (fresh webhook-timestamp and signature, same webhook-id).',
      params: { id: 'Endpoint id (ep_...)' },
      query: feedQuerySchema,
      responses: { 200: { description: 'Events after `after`', schema: feedSchema } },
    },
    async (c, { params, query }) => {
      const tenantId = c.get('tenantId');
      const endpoint = await deps.subscriptions.getEndpoint(tenantId, params.id as string);
      if (!endpoint) throw notFound('endpoint', params.id as string);
      if (!deps.eventFeed) {
        throw new ApiError(
          409,
          'feed_unavailable',
          'this deployment keeps no per-endpoint sequence numbers, so it has no event feed',
        );
      }
      const events = await deps.eventFeed.list(endpoint.tenantId, endpoint.id, {
        after: query.after,
        limit: query.limit,
      });
      if (events.length === 0) return c.json({ items: [], nextAfter: query.after });
      const secrets = (await deps.secrets.activeSecrets([endpoint.id])).get(endpoint.id) ?? [];
      if (secrets.length === 0) {
        throw new ApiError(
          409,
          'no_signing_secret',
          'the endpoint has no signing secret to sign the feed with: rotate its secret (POST /v1/endpoints/{id}/rotate-secret)',
        );
      }
      const sign = createSigner(secrets);
      const timestamp = Math.floor(Date.now() / 1000);
      const items = events.map((event) => {
        const id = toPublicId(ID_PREFIXES.event, event.eventId);
        const signature = sign({ id, timestamp, body: event.body });
        return {
          sequence: event.sequence,
          eventId: id,
          eventType: event.eventType,
          occurredAt: event.occurredAt.toISOString(),
          body: event.body,
          headers: { ...webhookHeaders({ id, timestamp, signature, sequence: event.sequence }) },
        };
      });
      return c.json({ items, nextAfter: items.at(-1)?.sequence ?? query.after });
    },
  );
}
