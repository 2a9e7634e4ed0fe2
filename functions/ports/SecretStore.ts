import type { ReceiverSecrets } from '../core/receivers/ReceiverOptions.ts';

export interface SecretStore {
  /** Stores a new signing secret for an endpoint. */
  create(endpointId: string, secret: string): Promise<void>;
  /** Makes `secret` current; the previous ones keep signing until `overlapMs` from now. */
  rotate(endpointId: string, secret: string, overlapMs: number): Promise<void>;
  /** Secrets that sign right now, newest first, keyed by endpoint. */
  activeSecrets(endpointIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Forgets every secret of the endpoint (signing secrets and its auth secret); unknown ids are fine. */
  delete(endpointId: string): Promise<void>;

  /**
   * Stores the secret half of the endpoint's dedicated-delivery auth (API key value, basic-auth
   * password or OAuth client secret), replacing any earlier one. Only API destinations use it, so
   * a runtime without them (the local one) may discard it.
   */
  putAuthSecret(endpointId: string, secret: string): Promise<void>;
  /** The stored auth secret; undefined when there is none (or the runtime keeps none). */
  authSecret(endpointId: string): Promise<string | undefined>;

  /**
   * Replaces the secret half of the endpoint's receiver options (secret header values, password,
   * token, OAuth2 client secret, client private key); null forgets it. Stored encrypted.
   */
  putReceiverSecrets(endpointId: string, secrets: ReceiverSecrets | null): Promise<void>;
  /** The stored receiver secrets; undefined when there are none. Never logged by callers. */
  receiverSecrets(endpointId: string): Promise<ReceiverSecrets | undefined>;
}
