import { z } from 'zod';

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

export const createEndpointSchema = z.strictObject({
  url: z.string().max(2000),
  description: z.string().max(500).optional(),
  eventTypes: eventTypes.optional(),
  filter: filter.optional(),
  enabled: z.boolean().optional(),
});

export const updateEndpointSchema = z
  .strictObject({
    url: z.string().max(2000).optional(),
    description: z.string().max(500).optional(),
    eventTypes: eventTypes.optional(),
    filter: filter.optional(),
    enabled: z.boolean().optional(),
  })
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'send at least one of url, description, eventTypes, filter, enabled',
  );

export const redriveFilterSchema = z.strictObject({
  tenantId: z.string().min(1).optional(),
  endpointId: z.string().min(1).optional(),
  eventType: z.string().min(1).optional(),
});

// Strict: a misspelt filter (?tenantid=) must fail loudly, not silently list everything.
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(250).default(50),
  cursor: z.string().min(1).optional(),
});

export const deadLetterQuerySchema = pageQuerySchema.extend({
  tenantId: z.string().min(1).optional(),
  endpointId: z.string().min(1).optional(),
  eventType: z.string().min(1).optional(),
});
