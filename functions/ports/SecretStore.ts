export interface SecretStore {
  /** Stores a new signing secret for an endpoint. */
  create(endpointId: string, secret: string): Promise<void>;
  /** Makes `secret` current; the previous ones keep signing until `overlapMs` from now. */
  rotate(endpointId: string, secret: string, overlapMs: number): Promise<void>;
  /** Secrets that sign right now, newest first, keyed by endpoint. */
  activeSecrets(endpointIds: readonly string[]): Promise<Map<string, string[]>>;
}
