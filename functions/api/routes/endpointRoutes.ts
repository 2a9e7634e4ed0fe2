import { z } from 'zod';
import { compileFilter } from '../../core/filter/index.ts';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { newRandomId, toPublicId } from '../../core/ids/prefixedId.ts';
import { checkEndpointUrl } from '../../core/network/checkEndpointUrl.ts';
import { SIGNATURE_SCHEMES, type SignatureScheme } from '../../core/signing/constants.ts';
import { generateSigningSecret } from '../../core/signing/generateSigningSecret.ts';
import { shownKeyOf } from '../../core/signing/verificationKeyOf.ts';
import {
  DEDICATED_STATUSES,
  ENDPOINT_TIERS,
  ENDPOINT_TRANSPORTS,
  type EndpointTransport,
  wantsApiDestination,
} from '../../core/subscriptions/Endpoint.ts';
import { ENDPOINT_ORDERINGS } from '../../core/subscriptions/EndpointOrdering.ts';
import type { EndpointPatch } from '../../ports/SubscriptionStore.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError, notFound } from '../errors.ts';
import { presentAttempt, presentEndpoint } from '../presenters.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { resolveReceiverOptions } from '../resolveReceiverOptions.ts';
import {
  deliveryAttemptSchema,
  endpointSchema,
  endpointWithSecretSchema,
  page,
  signingKeyFields,
} from '../responseSchemas.ts';
import {
  AUTH_SECRET_NAMES,
  createEndpointSchema,
  pageQuerySchema,
  updateEndpointSchema,
} from '../schemas.ts';
import { asBadRequest, refuseConflicts, splitReceiverInput } from './receiverOptionChecks.ts';

const TAG = 'Endpoints';
const ID_PARAM = { id: 'Endpoint id (ep_...)' };

export function endpointRoutes(router: ApiRouter, deps: ApiDependencies) {
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

  /** A new key of the scheme becomes current; the previous ones keep signing during the overlap. */
  const rotateKey = async (endpointId: string, scheme: SignatureScheme) => {
    const secret = generateSigningSecret(scheme);
    await deps.secrets.rotate(endpointId, secret, deps.secretOverlapMs);
    return {
      ...shownKeyOf(secret),
      previousSecretsExpireAt: new Date(Date.now() + deps.secretOverlapMs).toISOString(),
    };
  };

  const refuseUnsupportedOrdering = (ordering: string | undefined) => {
    if (ordering === ENDPOINT_ORDERINGS.perKey && deps.perKeyOrdering === false) {
      throw new ApiError(
        400,
        'invalid_request',
        'ordering: "per-key" is not available on this deployment yet (its ordered delivery path is not built on AWS, see docs/deploy.md); use "none"',
      );
    }
  };

  router.add(
    {
      method: 'post',
      path: '/v1/endpoints',
      tag: TAG,
      auth: 'tenant',
      summary: 'Register an endpoint; the answer holds its signing secret, shown once',
      body: createEndpointSchema,
      responses: { 201: { description: 'Created', schema: endpointWithSecretSchema } },
    },
    async (c, { body }) => {
      const { receiver: receiverInput, rest: input } = splitReceiverInput(body);
      refuseUnsupportedOrdering(input.ordering);
      const url = await checkUrl(input.url);
      if (input.filter) compileFilter(input.filter);
      const tenantId = c.get('tenantId');
      const id = newRandomId(ID_PREFIXES.endpoint);
      const dedicated = await dedicatedAfterChange(tenantId, input.transport);
      const receiver = await resolveReceiverOptions(
        receiverInput,
        { options: null, secrets: undefined },
        { checkUrl, now: new Date() },
      ).catch(asBadRequest);
      refuseConflicts(receiver.options, input.auth ?? null, dedicated !== null);
      if (receiver.secrets) await deps.secrets.putReceiverSecrets(id, receiver.secrets);
      const signatureScheme = input.signatureScheme ?? SIGNATURE_SCHEMES.v1;
      // v1a: a whsk_ secret key; only its whpk_ public key is ever shown.
      const secret = generateSigningSecret(signatureScheme);
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
          ordering: input.ordering ?? ENDPOINT_ORDERINGS.none,
          signatureScheme,
          auth: input.auth ?? null,
          dedicated,
          receiver: receiver.options,
        })
        .catch(async (error: unknown) => {
          if (input.authSecret !== undefined || receiver.secrets)
            await deps.secrets.delete(id).catch(() => {});
          throw error;
        });
      // Two stores (Secrets Manager on AWS): undo the endpoint rather than leave it unsignable.
      await deps.secrets.create(id, secret).catch(async (error: unknown) => {
        await deps.subscriptions.deleteEndpoint(endpoint.tenantId, id).catch(() => {});
        await deps.secrets.delete(id).catch(() => {});
        throw error;
      });
      return c.json({ ...presentEndpoint(endpoint), ...shownKeyOf(secret) }, 201);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/endpoints',
      tag: TAG,
      auth: 'tenant',
      summary: 'List your endpoints, oldest first',
      query: pageQuerySchema,
      responses: { 200: { description: 'A page of endpoints', schema: page(endpointSchema) } },
    },
    async (c, { query }) => {
      const result = await deps.subscriptions.listEndpoints(c.get('tenantId'), {
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
      return c.json({ items: result.items.map(presentEndpoint), nextCursor: result.nextCursor });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/endpoints/:id',
      tag: TAG,
      auth: 'tenant',
      summary: 'One of your endpoints',
      params: ID_PARAM,
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    async (c, { params }) => c.json(presentEndpoint(await load(c.get('tenantId'), params.id as string))),
  );

  router.add(
    {
      method: 'patch',
      path: '/v1/endpoints/:id',
      tag: TAG,
      auth: 'tenant',
      summary: 'Change an endpoint (only the fields sent)',
      params: ID_PARAM,
      body: updateEndpointSchema,
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    async (c, { body: fullBody, params }) => {
      const { receiver: receiverInput, present: receiverChanged, rest: body } = splitReceiverInput(fullBody);
      const { authSecret, ...patch }: EndpointPatch & { authSecret?: string } = body;
      refuseUnsupportedOrdering(patch.ordering);
      if (patch.url !== undefined) patch.url = (await checkUrl(patch.url)).toString();
      if (patch.filter) compileFilter(patch.filter);
      const tenantId = c.get('tenantId');
      const current = await load(tenantId, params.id as string);
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
        authSecret !== undefined ||
        receiverChanged;
      if (reshaped) {
        patch.dedicated = await dedicatedAfterChange(tenantId, patch.transport ?? current.transport);
      }
      const receiver = receiverChanged
        ? await resolveReceiverOptions(
            receiverInput,
            { options: current.receiver, secrets: await deps.secrets.receiverSecrets(current.id) },
            { checkUrl, now: new Date() },
          ).catch(asBadRequest)
        : { options: current.receiver ?? null, secrets: undefined };
      refuseConflicts(
        receiver.options,
        auth,
        (patch.dedicated === undefined ? current.dedicated : patch.dedicated) != null,
      );
      if (receiverChanged) {
        patch.receiver = receiver.options;
        await deps.secrets.putReceiverSecrets(current.id, receiver.secrets ?? null);
      }
      if (authSecret !== undefined) await deps.secrets.putAuthSecret(current.id, authSecret);
      // Another scheme needs another kind of key: rotate into one, answered like rotate-secret.
      const newScheme =
        patch.signatureScheme !== undefined &&
        patch.signatureScheme !== (current.signatureScheme ?? SIGNATURE_SCHEMES.v1)
          ? patch.signatureScheme
          : undefined;
      const newKey = newScheme ? await rotateKey(current.id, newScheme) : {};
      const endpoint = await deps.subscriptions.updateEndpoint(tenantId, current.id, patch);
      if (!endpoint) throw notFound('endpoint', current.id);
      return c.json({ ...presentEndpoint(endpoint), ...newKey });
    },
  );

  router.add(
    {
      method: 'delete',
      path: '/v1/endpoints/:id',
      tag: TAG,
      auth: 'tenant',
      summary: 'Delete an endpoint and its secrets',
      params: ID_PARAM,
      responses: { 204: { description: 'Deleted' } },
    },
    async (c, { params }) => {
      const id = params.id as string;
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
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/endpoints/:id/secret',
      tag: TAG,
      auth: 'tenant',
      summary: 'The current signing secret',
      params: ID_PARAM,
      responses: {
        200: {
          description: 'v1: the whsec_ secret (null if none); v1a: the whpk_ public key',
          schema: z.object({ secret: z.string().nullable().optional(), publicKey: z.string().optional() }),
        },
      },
    },
    async (c, { params }) => {
      const endpoint = await load(c.get('tenantId'), params.id as string);
      const secrets = (await deps.secrets.activeSecrets([endpoint.id])).get(endpoint.id) ?? [];
      return c.json(secrets[0] ? shownKeyOf(secrets[0]) : { secret: null });
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/endpoints/:id/rotate-secret',
      tag: TAG,
      auth: 'tenant',
      summary: 'Rotate the signing secret; the previous one keeps signing during the overlap',
      params: ID_PARAM,
      responses: {
        200: {
          description: 'The new secret',
          schema: z.object({ ...signingKeyFields, previousSecretsExpireAt: z.string() }),
        },
      },
    },
    async (c, { params }) => {
      const endpoint = await load(c.get('tenantId'), params.id as string);
      return c.json(await rotateKey(endpoint.id, endpoint.signatureScheme ?? SIGNATURE_SCHEMES.v1));
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/endpoints/:id/test',
      tag: TAG,
      auth: 'tenant',
      summary: 'Send a webhook.test event to this endpoint',
      params: ID_PARAM,
      responses: { 202: { description: 'Queued', schema: z.object({ eventId: z.string() }) } },
    },
    async (c, { params }) => {
      const endpoint = await load(c.get('tenantId'), params.id as string);
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
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/endpoints/:id/deliveries',
      tag: TAG,
      auth: 'tenant',
      summary: 'Delivery attempts to this endpoint, newest first',
      params: ID_PARAM,
      query: pageQuerySchema,
      responses: { 200: { description: 'A page of attempts', schema: page(deliveryAttemptSchema) } },
    },
    async (c, { params, query }) => {
      const endpoint = await load(c.get('tenantId'), params.id as string);
      const result = await deps.deliveryLog.listForEndpoint(endpoint.tenantId, endpoint.id, {
        limit: query.limit,
        cursor: query.cursor ?? null,
      });
      return c.json({ items: result.items.map(presentAttempt), nextCursor: result.nextCursor });
    },
  );
}
