import { z } from 'zod';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c rowhook:<key>=<value>`).
 * Every key is prefixed `rowhook:`; values given on the command line arrive as strings, so numbers
 * and booleans are parsed here rather than trusted.
 */
export const CONTEXT_PREFIX = 'rowhook:';

const intFromContext = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );

const numberFromContext = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z
      .number({ error: 'must be a number' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
  );

const booleanFromContext = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'must be true or false' }),
);

/** Aurora Serverless v2 capacity moves in 0.5 ACU steps. */
const acu = (min: number) =>
  numberFromContext(min, 256).refine((v) => Number.isInteger(v * 2), { error: 'must be a multiple of 0.5' });

export const rowhookConfigSchema = z
  .object({
    stage: z.string({ error: 'is required (e.g. -c rowhook:stage=prod)' }).regex(/^[a-z][a-z0-9-]{0,19}$/, {
      error: 'must be 1-20 characters: lowercase letters, digits and "-", starting with a letter',
    }),
    account: z
      .string()
      .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as us-east-1' })
      .optional(),
    /** How far back events on the bus can be replayed from its archive. */
    replayWindowDays: intFromContext(1, 3650).default(7),
    /** TTL of delivery attempt records in DynamoDB. */
    attemptRetentionDays: intFromContext(1, 3650).default(30),
    /** Lambda SQS event source MaximumConcurrency (AWS allows 2-1000). */
    deliverMaxConcurrency: intFromContext(2, 1000).default(20),
    /** API Gateway stage throttling: steady-state requests per second and burst bucket. */
    apiThrottleRate: numberFromContext(1, 10_000).default(50),
    apiThrottleBurst: intFromContext(1, 5_000).default(100),
    /** Alarm when more than this percentage of delivery attempts fail over 5 minutes. */
    alarmDeliveryErrorRatePercent: numberFromContext(0.1, 100).default(5),
    /** Alarm when the oldest committed outbox row waits longer than this for the relay. */
    alarmRelayLagSeconds: intFromContext(1, 86_400).default(120),
    /**
     * Alarm when the oldest message of a delivery queue is older than this. Longer than a healthy
     * message can get: a retry's SQS delay (15 min at most) plus up to 5 receives.
     */
    alarmQueueAgeSeconds: intFromContext(60, 1_209_600).default(1_800),
    /** Subscribed by email to the alarm topic (AWS sends a confirmation link first). Unset: none. */
    alarmEmail: z.email({ error: 'must be an email address such as ops@example.com' }).optional(),
    auroraMinAcu: acu(0).default(0.5),
    auroraMaxAcu: acu(1).default(4),
    /**
     * Dedicated (API destination) delivery, opt-in until the canary has verified it on a real
     * deployment: off, endpoints asking for it are delivered pooled and their status says so.
     */
    dedicatedDelivery: booleanFromContext.default(false),
    /** A Serverless v2 reader in the writer's promotion tier: a writer failure fails over to it. */
    readerInstance: booleanFromContext.default(false),
    /**
     * rowhook.settings.nudge_interval_ms (0-60000): the capture trigger wakes the relay at most once
     * per interval. Lower means lower latency and more relay invocations for sparse writes.
     */
    nudgeIntervalMs: intFromContext(0, 60_000).default(25),
    /** Reserved concurrency of the relay function (0: none reserved, it shares the account pool). */
    relayReservedConcurrency: intFromContext(0, 1000).default(5),
    /** Defaults to true for the stage named prod. */
    deletionProtection: booleanFromContext.optional(),
    /**
     * Where operational events (endpoint.disabled, message.attempt.exhausted, endpoint.recovered)
     * are delivered as signed webhooks; https, like every endpoint on AWS. Unset: only recorded.
     */
    operatorWebhookUrl: z
      .url({ error: 'must be a URL such as https://ops.example.com/rowhook' })
      .refine((v) => v.startsWith('https://'), {
        error: 'must be an https:// URL (receivers on AWS are https)',
      })
      .optional(),
    /** Deploy the canary receiver and its scheduled check (docs/deploy.md, "Proving delivery"). */
    canary: booleanFromContext.default(false),
  })
  .refine((c) => c.auroraMaxAcu >= c.auroraMinAcu, {
    path: ['auroraMaxAcu'],
    error: 'must be at least rowhook:auroraMinAcu',
  });

export type RowhookConfigInput = z.input<typeof rowhookConfigSchema>;
export type RowhookConfig = Omit<z.output<typeof rowhookConfigSchema>, 'deletionProtection'> & {
  deletionProtection: boolean;
};

export const CONFIG_KEYS = Object.keys(rowhookConfigSchema.shape) as ReadonlyArray<keyof RowhookConfigInput>;

export class RowhookConfigError extends Error {
  override readonly name = 'RowhookConfigError';
}

/** Validates raw settings (keys without the `rowhook:` prefix); errors name the context key. */
export function parseConfig(raw: Record<string, unknown>): RowhookConfig {
  const result = rowhookConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${CONTEXT_PREFIX}${issue.path.join('.') || '(root)'} ${issue.message}`,
    );
    throw new RowhookConfigError(`Invalid Rowhook deployment config:\n  ${problems.join('\n  ')}`);
  }
  const { deletionProtection, ...rest } = result.data;
  return { ...rest, deletionProtection: deletionProtection ?? rest.stage === 'prod' };
}

/**
 * Picks the `rowhook:*` keys out of the whole CDK context (`app.node.getAllContext()`); an unknown
 * `rowhook:` key is refused so a typo never silently falls back to a default.
 */
export function configFromContext(context: Record<string, unknown>): RowhookConfig {
  const raw: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith(CONTEXT_PREFIX)) continue;
    const name = key.slice(CONTEXT_PREFIX.length);
    if ((CONFIG_KEYS as readonly string[]).includes(name)) raw[name] = value;
    else unknown.push(key);
  }
  if (unknown.length > 0) {
    throw new RowhookConfigError(
      `Unknown Rowhook deployment setting ${unknown.join(', ')}; known keys: ${CONFIG_KEYS.map((k) => CONTEXT_PREFIX + k).join(', ')}`,
    );
  }
  return parseConfig(raw);
}
