export const SIGNING_SECRET = {
  prefix: 'whsec_',
  /** Size of secrets we generate; 256 bits matches the HMAC-SHA256 block security level. */
  generatedBytes: 32,
  /** Svix and the Standard Webhooks reference secrets are 24 bytes, so that is the floor we accept. */
  minBytes: 24,
  /** Anything longer than the SHA-256 block size is hashed down by HMAC anyway; longer keys are a mistake. */
  maxBytes: 64,
} as const;

/**
 * Standard Webhooks' asymmetric keys: `whsk_` + base64 of the ed25519 secret key, `whpk_` + base64 of
 * the 32-byte public key. We write the 64-byte secret key (seed then public key, as libsodium, Go and
 * Svix do) and also read a bare 32-byte seed.
 */
export const ASYMMETRIC_KEY = {
  secretPrefix: 'whsk_',
  publicPrefix: 'whpk_',
  seedBytes: 32,
  secretBytes: 64,
} as const;

export const SIGNATURE_VERSION = {
  hmacSha256: 'v1',
  ed25519: 'v1a',
} as const;

/** What an endpoint is signed with: v1 (HMAC-SHA256, shared whsec_ secret) or v1a (ed25519 key pair). */
export const SIGNATURE_SCHEMES = {
  v1: 'v1',
  v1a: 'v1a',
} as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[keyof typeof SIGNATURE_SCHEMES];

export const WEBHOOK_HEADER = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
  /** Not part of Standard Webhooks: the delivery's per-endpoint number in commit order (unsigned). */
  sequence: 'webhook-sequence',
} as const;
