import { z } from 'zod';
import { RowhookError } from '../core/errors/RowhookError.ts';
import { defaultRetrySchedule } from '../core/retry/defaultRetrySchedule.ts';
import { parseRetrySchedule } from '../core/retry/parseRetrySchedule.ts';

/** A Lambda's environment is missing a variable or holds an unusable value (a deployment bug). */
export class InvalidHandlerConfigError extends RowhookError {
  readonly code = 'invalid_handler_config';
}

/**
 * Environment variable names the CDK stack sets; one list so infra and handlers cannot drift.
 * ROWHOOK_STAGE names the deployment (e.g. `prod`) and appears in resource and secret names.
 */
export const ENV = {
  stage: 'ROWHOOK_STAGE',
  tableName: 'ROWHOOK_TABLE_NAME',
  dbClusterArn: 'ROWHOOK_DB_CLUSTER_ARN',
  dbSecretArn: 'ROWHOOK_DB_SECRET_ARN',
  /** The Data API secret of a role row-level security applies to: tenant-scoped reads run as it. */
  dbTenantSecretArn: 'ROWHOOK_DB_TENANT_SECRET_ARN',
  dbName: 'ROWHOOK_DB_NAME',
  eventBusName: 'ROWHOOK_EVENT_BUS_NAME',
  relayBatch: 'ROWHOOK_RELAY_BATCH',
  maxEventBytes: 'ROWHOOK_MAX_EVENT_BYTES',
  deliveryQueueUrl: 'ROWHOOK_DELIVERY_QUEUE_URL',
  deadLetterQueueUrl: 'ROWHOOK_DEAD_LETTER_QUEUE_URL',
  /** The FIFO delivery queue of per-key endpoints (relay sends, deliver-ordered holds retries). */
  orderedQueueUrl: 'ROWHOOK_ORDERED_QUEUE_URL',
  retrySchedule: 'ROWHOOK_RETRY_SCHEDULE',
  deliveryTimeoutMs: 'ROWHOOK_DELIVERY_TIMEOUT_MS',
  allowedNetworks: 'ROWHOOK_ALLOWED_NETWORKS',
  secretCacheTtlMs: 'ROWHOOK_SECRET_CACHE_TTL_MS',
  adminTokenSecretArn: 'ROWHOOK_ADMIN_TOKEN_SECRET_ARN',
  secretOverlapMs: 'ROWHOOK_SECRET_OVERLAP_MS',
  apiDestinationRoleArn: 'ROWHOOK_API_DESTINATION_ROLE_ARN',
  dedicatedDlqArn: 'ROWHOOK_DEDICATED_DLQ_ARN',
  attemptRetentionDays: 'ROWHOOK_ATTEMPT_RETENTION_DAYS',
  disableAfterMs: 'ROWHOOK_DISABLE_AFTER_MS',
  /** `enabled` when an operator webhook is configured: deliver publishes operational events to it. */
  operatorWebhook: 'ROWHOOK_OPERATOR_WEBHOOK',
  /** `on` only where the stack was deployed with rowhook:dedicatedDelivery=true (opt-in). */
  dedicatedDelivery: 'ROWHOOK_DEDICATED_DELIVERY',
} as const;

/** The value of ROWHOOK_OPERATOR_WEBHOOK that turns publishing on. */
export const OPERATOR_WEBHOOK_ENABLED = 'enabled';

/**
 * ROWHOOK_DEDICATED_DELIVERY: whether endpoints asking for an API destination get one. Off unless
 * set to `on`: until the canary has verified dedicated requests on a real deployment, they are
 * delivered pooled (issue 12 §2).
 */
export const dedicatedDeliverySwitch = z
  .enum(['on', 'off'], { error: 'must be "on" or "off"' })
  .default('off')
  .transform((v) => v === 'on');

export const required = z.string().trim().min(1, 'is required');
export const arn = required.regex(/^arn:aws[a-z-]*:/, 'must be an ARN (arn:aws:...)');
export const url = required.url('must be a URL');
export const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);
export const retrySchedule = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return defaultRetrySchedule;
    try {
      return parseRetrySchedule(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * Validates the variables a handler reads. Fails at cold start with every problem named by its
 * variable, so a bad deployment shows up in the first log line rather than as odd behaviour later.
 */
export function loadEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const schema = z.object(shape);
  const input = Object.fromEntries(
    Object.keys(shape).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const message = issue.code === 'invalid_type' && env[name] === undefined ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new InvalidHandlerConfigError(`invalid Lambda configuration: ${problems.join('; ')}`);
}
