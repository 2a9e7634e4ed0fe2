import { z } from 'zod';
import {
  EVENT_TYPE_MAX_LENGTH,
  EVENT_TYPE_NAME,
  PUBLISH_KEY_MAX_LENGTH,
} from '../../core/catalog/constants.ts';

export const eventTypeName = z
  .string()
  .min(1, 'is required')
  .max(EVENT_TYPE_MAX_LENGTH)
  .regex(
    EVENT_TYPE_NAME,
    'may contain only letters, digits, "_", "." and "-", and must not start with "." or "-" (e.g. "invoice.paid")',
  );

const key = (what: string) =>
  z.string().min(1, 'must not be empty').max(PUBLISH_KEY_MAX_LENGTH).meta({ description: what });

export const publishEventSchema = z.strictObject({
  type: eventTypeName.meta({
    description: 'The event type, e.g. "invoice.paid" (not a tracked table\'s type)',
  }),
  data: z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
    .meta({ description: "The webhook's data; checked against the type's registered schema if it has one" }),
  idempotencyKey: key(
    "The same key within 24 hours returns the first event's id and creates nothing",
  ).optional(),
  orderingKey: key(
    'Events with one key are ordered among themselves (endpoint option ordering per-key)',
  ).optional(),
  tenantId: z.string().min(1).max(128).optional().meta({
    description: 'Operators only (required with the admin token); a tenant key publishes for its own tenant',
  }),
});

export const publishedEventSchema = z.object({
  id: z.string().meta({ description: 'The event id (evt_...), the webhook-id of its deliveries' }),
});
