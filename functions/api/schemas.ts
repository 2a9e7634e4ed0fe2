import { z } from 'zod';
import { ENDPOINT_CONCURRENCY } from '../core/scheduling/constants.ts';
import { type EndpointAuthType, RATE_LIMIT_PER_SECOND } from '../core/subscriptions/Endpoint.ts';
import { receiverFields } from './receiverSchemas.ts';

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const EVENT_TYPE = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*(?:\.\*)?|\*)$/;

export const createTenantSchema = z.strictObject({
  id: z
    .string()
    .regex(
      TENANT_ID,
      'must be 1-128 characters: letters, digits and _ . : @ - (the value in your tenant column)',
    ),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  tier: z.enum(['pooled', 'dedicated']).optional(),
});

const eventTypes = z
  .array(
    z.string().regex(EVENT_TYPE, 'must be an event type like "orders.created" or a wildcard like "orders.*"'),
  )
  .min(1, 'must list at least one event type; leave it out (or null) to receive every type')
  .max(100)
  .nullable();

const filter = z.record(z.string(), z.unknown()).nullable();

const signatureScheme = z.enum(['v1', 'v1a'], {
  error: 'must be "v1" (HMAC-SHA256, you get a whsec_ secret) or "v1a" (ed25519, you get a whpk_ public key)',
});

// Dedicated delivery (EventBridge API destinations on AWS; the local runtime delivers pooled).
const transport = z.enum(['auto', 'pooled', 'api-destination'], {
  error: 'must be "auto" (follow the tenant tier), "pooled" or "api-destination"',
});

const rateLimitPerSecond = z
  .number({ error: 'must be a whole number of requests per second, 1-300, or null' })
  .int('must be a whole number of requests per second')
  .min(RATE_LIMIT_PER_SECOND.min, 'must be between 1 and 300 (EventBridge API destination limits)')
  .max(RATE_LIMIT_PER_SECOND.max, 'must be between 1 and 300 (EventBridge API destination limits)')
  .nullable();

const CONCURRENCY_RANGE = `between ${ENDPOINT_CONCURRENCY.min} and ${ENDPOINT_CONCURRENCY.max}`;
const maxConcurrency = z
  .number({ error: `must be a whole number of attempts in flight, ${CONCURRENCY_RANGE}, or null` })
  .int('must be a whole number of attempts in flight')
  .min(ENDPOINT_CONCURRENCY.min, `must be ${CONCURRENCY_RANGE}`)
  .max(ENDPOINT_CONCURRENCY.max, `must be ${CONCURRENCY_RANGE}`)
  .nullable();

// RFC 9110 token: what an HTTP header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const auth = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('API_KEY'),
        headerName: z.string().regex(HEADER_NAME, 'must be an HTTP header name like "x-api-key"'),
      }),
      z.strictObject({ type: z.literal('BASIC'), username: text(512) }),
      z.strictObject({
        type: z.literal('OAUTH_CLIENT_CREDENTIALS'),
        tokenUrl: z
          .string()
          .max(2000)
          .regex(/^https:\/\/\S+$/, 'must be the https:// URL of the OAuth token endpoint'),
        clientId: text(512),
        scope: text(1000).optional(),
      }),
    ],
    { error: 'must be "API_KEY", "BASIC" or "OAUTH_CLIENT_CREDENTIALS"' },
  )
  .nullable();

/** Write-only: the API key value, basic-auth password or OAuth client secret. Never returned. */
const authSecret = z.string().min(1, 'must not be empty').max(4096);

/** What `authSecret` holds for each auth type, for error messages. */
export const AUTH_SECRET_NAMES: Record<EndpointAuthType, string> = {
  API_KEY: 'the API key value',
  BASIC: 'the password',
  OAUTH_CLIENT_CREDENTIALS: 'the OAuth client secret',
};

/** An API destination sends in no particular order; per-key endpoints go through the ordered queue. */
const PER_KEY_NOT_DEDICATED =
  '"per-key" cannot be combined with transport "api-destination" (an API destination keeps no order); use transport "auto" or "pooled"';

// Strict: a misspelt filter (?tenantid=) must fail loudly, not silently list everything.
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(250).default(50),
  cursor: z.string().min(1).optional(),
});

const ordering = z
  .enum(['none', 'per-key'], {
    error:
      'must be "none" (no order promised) or "per-key" (deliveries sharing a key arrive in commit order, one at a time per key)',
  })
  .meta({
    description:
      "none (default): no order promised. per-key: deliveries sharing a key (a row's table and primary key, or a published event's orderingKey) arrive in commit order, the next only after the previous is delivered or dead-lettered; keys do not wait for each other",
  });

const dedicatedFields = {
  transport: transport.optional(),
  ordering: ordering.optional(),
  rateLimitPerSecond: rateLimitPerSecond.optional(),
  maxConcurrency: maxConcurrency.optional(),
  auth: auth.optional(),
  authSecret: authSecret.optional(),
};

export const createEndpointSchema = z
  .strictObject({
    url: z.string().max(2000),
    description: z.string().max(500).optional(),
    eventTypes: eventTypes.optional(),
    filter: filter.optional(),
    enabled: z.boolean().optional(),
    signatureScheme: signatureScheme.optional(),
    ...dedicatedFields,
    ...receiverFields,
  })
  .superRefine((input, ctx) => {
    if (input.auth && input.authSecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['authSecret'],
        message: `is required with auth ${input.auth.type}: ${AUTH_SECRET_NAMES[input.auth.type]}`,
      });
    }
    if (!input.auth && input.authSecret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['authSecret'], message: 'is only accepted together with auth' });
    }
    if (input.ordering === 'per-key' && input.transport === 'api-destination') {
      ctx.addIssue({ code: 'custom', path: ['ordering'], message: PER_KEY_NOT_DEDICATED });
    }
  });

export const updateEndpointSchema = z
  .strictObject({
    url: z.string().max(2000).optional(),
    description: z.string().max(500).optional(),
    eventTypes: eventTypes.optional(),
    filter: filter.optional(),
    enabled: z.boolean().optional(),
    signatureScheme: signatureScheme.optional(),
    ...dedicatedFields,
    ...receiverFields,
  })
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'send at least one of url, description, eventTypes, filter, enabled, signatureScheme, transport, rateLimitPerSecond, maxConcurrency, ordering, auth, authSecret, headers, receiverAuth, clientCertificate, retrySchedule, timeoutMs',
  )
  .refine((patch) => !(patch.auth === null && patch.authSecret !== undefined), {
    path: ['authSecret'],
    message: 'cannot be set while removing auth (auth: null)',
  })
  .refine((patch) => !(patch.ordering === 'per-key' && patch.transport === 'api-destination'), {
    path: ['ordering'],
    message: PER_KEY_NOT_DEDICATED,
  });
