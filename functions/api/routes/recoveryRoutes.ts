import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { fromPublicId, toPublicId } from '../../core/ids/prefixedId.ts';
import { checkRecoveryWindow } from '../../core/recovery/checkRecoveryWindow.ts';
import type { RecoveryJob } from '../../core/recovery/RecoveryJob.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError, notFound } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { recoverBodySchema, recoverySchema, resendResultSchema } from './recoverySchemas.ts';

const TAG = 'Resend and recover';

const endpointDisabled = (endpointId: string) =>
  new ApiError(
    409,
    'endpoint_disabled',
    `endpoint "${endpointId}" is disabled, so what is sent to it is dead-lettered at once: enable it first`,
  );
const SCOPE =
  "A tenant key reaches only its own endpoints (another tenant's answer 404); the admin token any.";

/** POST .../resend, POST .../recover and GET /v1/recoveries/{id}: sending past events again. */
export function recoveryRoutes(router: ApiRouter, deps: ApiDependencies) {
  const store = () => {
    if (!deps.recoveries) {
      throw new ApiError(
        501,
        'not_implemented',
        'resend and recover are not available on this deployment yet (AWS: see docs/deploy.md, "Resend and recover")',
      );
    }
    return deps.recoveries;
  };

  router.add(
    {
      method: 'post',
      path: '/v1/endpoints/:id/events/:eventId/resend',
      tag: TAG,
      auth: 'either',
      summary: 'Send one event to this endpoint again, with the same webhook-id',
      description: `Queues the event's delivery again through the normal queue (signed afresh, retried, dead-lettered). ${SCOPE}`,
      params: { id: 'Endpoint id', eventId: 'Event id (evt_...), the webhook-id of its deliveries' },
      responses: {
        202: { description: 'Queued', schema: resendResultSchema },
        409: {
          description: 'An attempt of this event to this endpoint is under way: resend once it finishes',
        },
        410: { description: 'The event is older than the retention window: it is no longer kept' },
      },
    },
    async (c, { params }) => {
      const endpointId = params.id as string;
      const publicEventId = params.eventId as string;
      const eventId = fromPublicId(ID_PREFIXES.event, publicEventId);
      if (!eventId) throw notFound('event', publicEventId);
      const outcome = await store().store.resend({ tenantId: c.get('tenantId') }, endpointId, eventId);
      switch (outcome.kind) {
        case 'queued':
          return c.json(
            {
              deliveryId: toPublicId(ID_PREFIXES.delivery, outcome.deliveryId),
              eventId: publicEventId,
              endpointId,
            },
            202,
          );
        case 'unknown_endpoint':
          throw notFound('endpoint', endpointId);
        case 'endpoint_disabled':
          throw endpointDisabled(endpointId);
        case 'in_flight':
          throw new ApiError(
            409,
            'attempt_in_flight',
            `event "${publicEventId}" is being sent to endpoint "${endpointId}" right now: resend it once that attempt has finished (a second or so)`,
          );
        case 'unknown_event':
          throw new ApiError(404, 'not_found', `event "${publicEventId}" not found for this tenant`);
        case 'not_matched':
          throw new ApiError(
            404,
            'not_matched',
            `event "${publicEventId}" was never sent to endpoint "${endpointId}" (its event types or filter did not match, or the endpoint did not exist yet): there is nothing to resend`,
          );
        case 'beyond_retention':
          throw new ApiError(
            410,
            'beyond_retention',
            `event "${publicEventId}" is older than the retention window and no longer kept${
              outcome.retainedFrom
                ? `; the oldest event kept is from ${outcome.retainedFrom.toISOString()}`
                : ''
            }`,
          );
      }
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/endpoints/:id/recover',
      tag: TAG,
      auth: 'either',
      summary: 'Send every event matched to this endpoint in a time window again, in order, as a job',
      description:
        'Works from the events still kept. A `since` older than the oldest event kept is accepted: the ' +
        `job covers what is kept and says how far back that is in \`truncatedAt\`. ${SCOPE}`,
      params: { id: 'Endpoint id' },
      body: recoverBodySchema,
      responses: {
        202: {
          description: 'The job, running (or done at once when the window is empty)',
          schema: recoverySchema,
        },
      },
    },
    async (c, { params, body }) => {
      const endpointId = params.id as string;
      const recoveries = store();
      const window = checkRecoveryWindow(body.since, body.until, new Date());
      const outcome = await recoveries.store.start({ tenantId: c.get('tenantId') }, endpointId, window);
      if (outcome.kind === 'unknown_endpoint') throw notFound('endpoint', endpointId);
      if (outcome.kind === 'endpoint_disabled') throw endpointDisabled(endpointId);
      recoveries.onStarted();
      return c.json(presentRecovery(outcome.job), 202);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/recoveries/:id',
      tag: TAG,
      auth: 'either',
      summary: "A recover job's progress",
      description: SCOPE,
      params: { id: 'Recovery id (rcv_...)' },
      responses: { 200: { description: 'The job', schema: recoverySchema } },
    },
    async (c, { params }) => {
      const publicId = params.id as string;
      const id = fromPublicId(ID_PREFIXES.recovery, publicId);
      const job = id && (await store().store.get({ tenantId: c.get('tenantId') }, id));
      if (!job) throw notFound('recovery', publicId);
      return c.json(presentRecovery(job));
    },
  );
}

function presentRecovery(job: RecoveryJob) {
  return {
    id: toPublicId(ID_PREFIXES.recovery, job.id),
    endpointId: job.endpointId,
    since: job.since.toISOString(),
    until: job.until.toISOString(),
    status: job.status,
    total: job.total,
    sent: job.sent,
    truncatedAt: job.truncatedAt?.toISOString() ?? null,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
