/** How signing secrets are sealed at rest (the local runtime's PostgreSQL store). */
export const SECRET_ENCRYPTION = {
  cipher: 'aes-256-gcm',
  keyBytes: 32,
  /** GCM's recommended nonce size; random per value, so one key may seal ~2^32 values safely. */
  nonceBytes: 12,
  tagBytes: 16,
  /** First byte of every sealed value, so a later format can be told apart from this one. */
  formatVersion: 1,
  /** Bytes of the key fingerprint stored next to each value (hex-encoded, so twice as many characters). */
  keyIdBytes: 8,
} as const;
