import { z } from 'zod';
import { FAILURE_CLASS_PATTERN } from '../core/failures/constants.ts';
import { pageQuerySchema } from './schemas.ts';

/** Query and body schemas of the operator views (dead-letter filters, tail, tenants, failed events). */

const instant = z
  .string()
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time like 2026-12-01T10:00:00Z' }))
  .transform((text) => new Date(text));

const id = z.string().min(1).max(200);

const deadLetterFilterFields = {
  tenantId: id.optional(),
  endpointId: id.optional(),
  eventType: id.optional(),
  errorClass: z
    .string()
    .regex(FAILURE_CLASS_PATTERN, 'must be a failure class like "http_500", "timeout" or "endpoint_disabled"')
    .optional()
    .meta({
      description:
        'http_<status>, timeout, connect, dns, reset, tls, blocked, endpoint_disabled, no_secret, other',
    }),
  from: instant.optional().meta({ description: 'Failed at or after this time (ISO-8601)' }),
  to: instant.optional().meta({ description: 'Failed before this time (ISO-8601)' }),
};

const fromBeforeTo = (range: { from?: Date; to?: Date }) =>
  range.from === undefined || range.to === undefined || range.from < range.to;
const RANGE_MESSAGE = { message: 'from must be earlier than to', path: ['from'] };

export const deadLetterQuerySchema = pageQuerySchema
  .extend(deadLetterFilterFields)
  .refine(fromBeforeTo, RANGE_MESSAGE);

export const deadLetterSummaryQuerySchema = z
  .strictObject(deadLetterFilterFields)
  .refine(fromBeforeTo, RANGE_MESSAGE);

const DEAD_LETTER_ID = /^dlv_[0-9a-fA-F]{32}$/;

export const redriveFilterSchema = z
  .strictObject({
    ...deadLetterFilterFields,
    ids: z
      .array(z.string().regex(DEAD_LETTER_ID, 'must be a dead-letter id like "dlv_0193..." (32 hex digits)'))
      .min(1, 'must list at least one id; leave it out to redrive by filter')
      .max(100, 'at most 100 ids per request')
      .optional()
      .meta({ description: 'Only these dead letters (still subject to the other filters)' }),
    limit: z
      .number({ error: 'must be a whole number from 1 to 1000' })
      .int('must be a whole number from 1 to 1000')
      .min(1, 'must be a whole number from 1 to 1000')
      .max(1000, 'must be a whole number from 1 to 1000')
      .optional()
      .meta({ description: 'Redrive at most this many (oldest first); "remaining" says how many are left' }),
  })
  .refine(fromBeforeTo, RANGE_MESSAGE);

export const attemptTailQuerySchema = z.strictObject({
  after: z.string().min(1).optional().meta({ description: 'nextCursor of the previous call' }),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(50),
  tenantId: id.optional().meta({ description: 'Operators only; a tenant key sees its own tenant' }),
  endpointId: id.optional(),
});

export const failedEventsQuerySchema = pageQuerySchema.extend({ tenantId: id.optional() });

export const endpointStateBodySchema = z.strictObject({
  reason: z.string().trim().min(1, 'must not be empty').max(500).optional(),
});
