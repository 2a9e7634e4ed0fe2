import { z } from 'zod';
import { OPERATIONAL_EVENT_ID, OPERATIONAL_EVENT_TYPES } from '../../core/health/constants.ts';

const TYPES = Object.values(OPERATIONAL_EVENT_TYPES) as [string, ...string[]];

// Strict: a misspelt filter (?tenantid=) must fail loudly, not silently list everything.
export const operationalEventQuerySchema = z.strictObject({
  type: z.enum(TYPES, { error: `must be one of ${TYPES.map((t) => `"${t}"`).join(', ')}` }).optional(),
  tenantId: z.string().min(1).max(128).optional(),
  after: z
    .string()
    .regex(
      OPERATIONAL_EVENT_ID.pattern,
      'must be an operational event id (oev_...) such as a previous nextCursor',
    )
    .optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(50),
});

export const operationalEventSchema = z.object({
  id: z.string().describe('oev_..., ordered by occurrence'),
  type: z.enum(TYPES),
  occurredAt: z.string().describe('ISO-8601'),
  tenantId: z.string(),
  endpointId: z.string(),
  data: z
    .record(z.string(), z.unknown())
    .describe('reason, trigger, ids and figures; the `data` of the webhook sent to the operator endpoint'),
});

export const operationalEventPageSchema = z.object({
  items: z.array(operationalEventSchema).describe('oldest first'),
  nextCursor: z
    .string()
    .nullable()
    .describe('pass as `after` to get what happened since; null only while there are no events at all'),
});
