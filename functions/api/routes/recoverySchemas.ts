import { z } from 'zod';
import { RECOVERY_STATUS } from '../../core/recovery/constants.ts';

/** Request and response shapes of resend and recover (recoveryRoutes.ts). */

const instant = z
  .string()
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time like 2026-12-01T10:00:00Z' }))
  .transform((text) => new Date(text));

export const recoverBodySchema = z
  .object({
    since: instant.meta({ description: 'Start of the window (inclusive): when the events occurred' }),
    until: instant.optional().meta({ description: 'End of the window (exclusive); default and latest: now' }),
  })
  .strict();

export const resendResultSchema = z.object({
  deliveryId: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
});

export const recoverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  since: z.string(),
  until: z.string(),
  status: z.enum(Object.values(RECOVERY_STATUS)),
  total: z.number().int().meta({ description: 'Events matched to the endpoint in the window' }),
  sent: z.number().int().meta({ description: 'Of those, queued again so far (in order)' }),
  truncatedAt: z
    .string()
    .nullable()
    .meta({
      description:
        'Set when `since` is older than the oldest event kept (the retention window): nothing older ' +
        'can be re-sent, and this is how far back the job reached',
    }),
  error: z.string().nullable().meta({ description: 'Why a failed job stopped' }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
