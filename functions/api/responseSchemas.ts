import { z } from 'zod';
import { receiverResponseFields } from './receiverSchemas.ts';

/**
 * What the routes answer, for the OpenAPI document (not checked at run time: the presenters build
 * the answers; test/integration/api/openApi.test.ts parses real answers with these).
 */

const time = z.string().meta({ format: 'date-time' });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
  });

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.enum(['pooled', 'dedicated']),
  createdAt: time,
});

export const createdTenantSchema = tenantSchema.extend({
  apiKey: z.string().meta({ description: 'Shown once; Rowhook stores only its hash' }),
});

export const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()).nullable(),
  filter: z.record(z.string(), z.unknown()).nullable(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  transport: z.enum(['auto', 'pooled', 'api-destination']),
  rateLimitPerSecond: z.number().nullable(),
  maxConcurrency: z.number().nullable(),
  ordering: z.enum(['none', 'per-key']),
  signatureScheme: z.enum(['v1', 'v1a']),
  auth: z.record(z.string(), z.unknown()).nullable(),
  dedicated: z
    .object({ apiDestinationArn: z.string().nullable(), status: z.string(), reason: z.string().nullable() })
    .nullable(),
  ...receiverResponseFields,
});

/** v1 endpoints get their whsec_ secret, v1a endpoints the whpk_ public key to verify with. */
export const signingKeyFields = {
  secret: z.string().optional().meta({ description: 'v1: the whsec_ signing secret' }),
  publicKey: z.string().optional().meta({ description: 'v1a: the whpk_ ed25519 public key to verify with' }),
};

export const endpointWithSecretSchema = endpointSchema.extend(signingKeyFields);

export const endpointHealthSchema = z.object({
  attempts24h: z.number(),
  successes24h: z.number(),
  successRate: z.number().nullable().meta({ description: '0..1 over the last 24 h; null without attempts' }),
  lastSuccessAt: time.nullable(),
  lastFailureAt: time.nullable(),
  lastFailureError: z.string().nullable(),
});

export const operatorEndpointSchema = endpointSchema.extend({ health: endpointHealthSchema });

// One name each for an attempt's fields on every route; the old names stay one release, deprecated.
const attemptedAt = time.meta({ description: 'When the attempt was made (its request was sent)' });
const errorMessage = z.string().nullable().meta({
  description:
    'Why no answer came, e.g. a timeout or a refused connection; null when the endpoint answered (see status)',
});
const deprecatedStartedAt = time.meta({
  deprecated: true,
  description: 'Deprecated: use attemptedAt (same value); removed in the next release',
});
const deprecatedError = z.string().nullable().meta({
  deprecated: true,
  description: 'Deprecated: use errorMessage (same value); removed in the next release',
});

export const deliveryAttemptSchema = z.object({
  id: z.string(),
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  endpointId: z.string(),
  attempt: z.number(),
  attemptedAt,
  webhookTimestamp: z.number(),
  status: z.number().nullable(),
  latencyMs: z.number(),
  errorClass: z.string().nullable(),
  errorMessage,
  responseSnippet: z.string().nullable(),
  error: deprecatedError,
  sequence: z.number().nullable().meta({
    description:
      "The delivery's per-endpoint sequence number (the webhook-sequence header); null where none is assigned (AWS pooled path)",
  }),
});

export const tailAttemptSchema = z.object({
  id: z.string(),
  deliveryId: z.string(),
  tenantId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  attempt: z.number(),
  attemptedAt,
  status: z.number().nullable(),
  latencyMs: z.number(),
  errorClass: z.string().nullable(),
  errorMessage,
  startedAt: deprecatedStartedAt,
  sequence: z.number().nullable().meta({
    description:
      "The delivery's per-endpoint sequence number (the webhook-sequence header); null where none is assigned (AWS pooled path)",
  }),
});

export const attemptTailSchema = z.object({
  items: z.array(tailAttemptSchema).meta({ description: 'Oldest first' }),
  nextCursor: z.string().meta({ description: 'Pass as `after` next time (unchanged when nothing was new)' }),
});

export const deadLetterSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  endpointId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  failedAt: time,
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  errorClass: z.string(),
});

export const deadLetterDetailSchema = deadLetterSchema.extend({
  body: z.string().meta({ description: 'The event JSON text exactly as sent' }),
  webhookId: z.string(),
  headers: z
    .record(z.string(), z.string())
    .nullable()
    .meta({ description: 'Signed headers of the last attempt; null when no attempt was made' }),
  attemptsLog: z.array(
    z.object({
      attempt: z.number(),
      attemptedAt,
      status: z.number().nullable(),
      latencyMs: z.number(),
      errorClass: z.string().nullable(),
      errorMessage,
      responseSnippet: z.string().nullable(),
      webhookTimestamp: z.number(),
      startedAt: deprecatedStartedAt,
    }),
  ),
});

export const deadLetterSummarySchema = z.object({
  total: z.number(),
  groups: z.array(
    z.object({
      tenantId: z.string(),
      endpointId: z.string(),
      errorClass: z.string(),
      count: z.number(),
      firstFailedAt: time,
      lastFailedAt: time,
    }),
  ),
});

export const redriveResultSchema = z.object({
  count: z.number().meta({ description: 'Redriven by this call' }),
  remaining: z.number().meta({ description: 'Dead letters still matching the filter' }),
});

export const failedEventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  eventType: z.string(),
  createdAt: time,
  sizeBytes: z.number(),
  reason: z.string(),
});
