import { z } from 'zod';
import { MAX_FRAME_ANCESTORS, PORTAL_SESSION_SECONDS } from '../../core/portal/constants.ts';

const time = z.string().meta({ format: 'date-time' });

export const createPortalSessionSchema = z.strictObject({
  expiresIn: z
    .number({
      error: `must be a whole number of seconds, ${PORTAL_SESSION_SECONDS.min}-${PORTAL_SESSION_SECONDS.max}`,
    })
    .int('must be a whole number of seconds')
    .min(PORTAL_SESSION_SECONDS.min, `must be at least ${PORTAL_SESSION_SECONDS.min} seconds`)
    .max(PORTAL_SESSION_SECONDS.max, `must be at most ${PORTAL_SESSION_SECONDS.max} seconds (1 hour)`)
    .optional()
    .meta({ description: `Seconds the session lasts; default ${PORTAL_SESSION_SECONDS.default}` }),
  readOnly: z.boolean({ error: 'must be true or false' }).optional(),
});

export const portalSessionSchema = z.object({
  id: z.string().meta({ description: 'ps_..., public (the URL carries it)' }),
  tenantId: z.string(),
  readOnly: z.boolean(),
  expiresAt: time,
  url: z.string().meta({ description: 'The portal URL to open or embed; the token rides in its fragment' }),
  token: z.string().meta({ description: 'rps_..., shown once; a bearer credential for the tenant routes' }),
});

export const updateTenantSchema = z.strictObject({
  portalFrameAncestors: z
    .array(z.string({ error: 'must be an origin such as "https://app.example.com"' }))
    .max(MAX_FRAME_ANCESTORS, `must list at most ${MAX_FRAME_ANCESTORS} origins`)
    .meta({ description: 'Origins allowed to embed the portal in an iframe; [] for none' }),
});

export const tenantPortalSettingsSchema = z.object({
  tenantId: z.string(),
  portalFrameAncestors: z.array(z.string()),
});

export const currentPortalSessionSchema = z.object({
  tenantId: z.string(),
  readOnly: z.boolean(),
  expiresAt: time.nullable().meta({ description: 'null for an API key (it does not expire)' }),
});

const statsWindow = z.enum(['1h', '6h', '24h'], { error: 'must be "1h", "6h" or "24h"' });

export const statsQuerySchema = z.strictObject({ window: statsWindow.default('24h') });
export const operatorStatsQuerySchema = statsQuerySchema.extend({
  tenantId: z.string().min(1).optional().meta({ description: 'One tenant; omit for all tenants' }),
});

export const STATS_WINDOW_MS = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000 } as const;

export const statsSchema = z.object({
  window: statsWindow,
  since: time,
  until: time,
  bucketSeconds: z.literal(60),
  buckets: z
    .array(
      z.object({
        t: time,
        attempts: z.number().int(),
        delivered: z.number().int(),
        failed: z.number().int(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
      }),
    )
    .meta({ description: 'Minutes that had attempts, oldest first (minutes without any are left out)' }),
});
