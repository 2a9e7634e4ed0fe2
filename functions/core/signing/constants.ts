export const SIGNING_SECRET = {
  prefix: 'whsec_',
  /** Size of secrets we generate; 256 bits matches the HMAC-SHA256 block security level. */
  generatedBytes: 32,
  /** Svix and the Standard Webhooks reference secrets are 24 bytes, so that is the floor we accept. */
  minBytes: 24,
  /** Anything longer than the SHA-256 block size is hashed down by HMAC anyway; longer keys are a mistake. */
  maxBytes: 64,
} as const;

export const SIGNATURE_VERSION = {
  hmacSha256: 'v1',
} as const;

export const WEBHOOK_HEADER = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;
