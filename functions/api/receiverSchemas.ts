import { z } from 'zod';
import { CUSTOM_HEADERS, ENDPOINT_TIMEOUT_MS, OAUTH2_TOKENS } from '../core/receivers/constants.ts';

// Request side. Secret fields are optional here: on a change, one left out keeps the stored value
// (resolveReceiverOptions says when it is required). The finer header rules are checkCustomHeaders'.

const secretText = (max: number) => z.string().min(1, 'must not be empty').max(max);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const customHeader = z.strictObject({
  name: z.string().max(CUSTOM_HEADERS.maxNameLength),
  value: z
    .string()
    .max(CUSTOM_HEADERS.maxValueBytes)
    .optional()
    .meta({ description: 'Required unless secret and already stored under this name (then it is kept)' }),
  secret: z.boolean().optional().meta({ description: 'Stored encrypted, masked in answers, never logged' }),
});

const OAUTH_PARAM = /^[A-Za-z0-9_.-]{1,64}$/;

const receiverAuth = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('none') }),
      z.strictObject({
        type: z.literal('basic'),
        username: text(512).refine((u) => !u.includes(':'), 'must not contain ":" (RFC 7617)'),
        password: secretText(1024).optional(),
      }),
      z.strictObject({ type: z.literal('bearer'), token: secretText(4096).optional() }),
      z.strictObject({
        type: z.literal('oauth2'),
        tokenUrl: z.string().max(2000),
        clientId: text(512),
        clientSecret: secretText(4096).optional(),
        scope: text(1000).optional(),
        extraParams: z
          .record(
            z.string().regex(OAUTH_PARAM, 'parameter names are 1-64 of A-Z a-z 0-9 _ . -'),
            z.string().max(1000),
          )
          .optional()
          .meta({ description: 'Extra form parameters of the token request, e.g. {"audience": "..."}' }),
        clientAuthentication: z
          .enum(['basic', 'post'], {
            error: 'must be "basic" (client_secret_basic) or "post" (client_secret_post)',
          })
          .optional(),
      }),
    ],
    { error: 'type must be "none", "basic", "bearer" or "oauth2"' },
  )
  .nullable();

const clientCertificate = z
  .strictObject({
    certificate: z.string().max(32_768).meta({ description: 'PEM certificate (chain), leaf first' }),
    privateKey: z
      .string()
      .max(32_768)
      .optional()
      .meta({ description: 'Unencrypted PEM private key; stored encrypted; kept when left out on a change' }),
  })
  .nullable();

export const receiverFields = {
  headers: z
    .array(customHeader)
    .max(CUSTOM_HEADERS.maxCount, `at most ${CUSTOM_HEADERS.maxCount} headers`)
    .nullable()
    .optional(),
  receiverAuth: receiverAuth.optional(),
  clientCertificate: clientCertificate.optional(),
  retrySchedule: z.string().max(1000).nullable().optional().meta({
    description: 'This endpoint\'s waits between attempts, e.g. "10s,1m,10m"; null: the runtime\'s',
  }),
  timeoutMs: z
    .number({
      error: `must be a whole number of ms, ${ENDPOINT_TIMEOUT_MS.min}-${ENDPOINT_TIMEOUT_MS.max}, or null`,
    })
    .int('must be a whole number of ms')
    .min(
      ENDPOINT_TIMEOUT_MS.min,
      `must be between ${ENDPOINT_TIMEOUT_MS.min} and ${ENDPOINT_TIMEOUT_MS.max} ms`,
    )
    .max(
      ENDPOINT_TIMEOUT_MS.max,
      `must be between ${ENDPOINT_TIMEOUT_MS.min} and ${ENDPOINT_TIMEOUT_MS.max} ms`,
    )
    .nullable()
    .optional(),
};

export type ReceiverInput = {
  [K in keyof typeof receiverFields]?: z.infer<(typeof receiverFields)[K]>;
};

export const RECEIVER_FIELD_NAMES = Object.keys(receiverFields) as (keyof typeof receiverFields)[];

export const MAX_EXTRA_PARAMS = OAUTH2_TOKENS.maxExtraParams;

// Answer side: secrets are masked.

export const receiverResponseFields = {
  headers: z.array(z.object({ name: z.string(), value: z.string(), secret: z.boolean() })),
  receiverAuth: z.record(z.string(), z.unknown()).meta({
    description: 'type none, basic, bearer or oauth2; password, token and clientSecret are masked',
  }),
  clientCertificate: z
    .object({ certificate: z.string(), privateKey: z.string(), expiresAt: z.string() })
    .nullable(),
  retrySchedule: z.string().nullable(),
  timeoutMs: z.number().nullable(),
};
