import type { OAuth2ClientAuthentication } from './constants.ts';

/** A header added to every delivery of the endpoint. A secret one's value is kept in ReceiverSecrets. */
export interface CustomHeader {
  name: string;
  /** null when `secret`: the value lives, encrypted, with the endpoint's other receiver secrets. */
  value: string | null;
  secret: boolean;
}

/** The non-secret half of the receiver auth; the password, token or client secret is in ReceiverSecrets. */
export type ReceiverAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string }
  | { type: 'bearer' }
  | {
      type: 'oauth2';
      tokenUrl: string;
      clientId: string;
      scope: string | null;
      /** Sent in the token request's form body besides grant_type and scope (e.g. audience). */
      extraParams: Record<string, string>;
      clientAuthentication: OAuth2ClientAuthentication;
    };

/**
 * How an endpoint's receiver wants to be talked to, beyond the signed POST. Stored with the
 * endpoint (no secrets in it) and shown by the API.
 */
export interface ReceiverOptions {
  headers: CustomHeader[];
  auth: ReceiverAuth;
  /** PEM client certificate (chain) for mutual TLS; its private key is in ReceiverSecrets. */
  clientCertificate: string | null;
  /** Canonical retry schedule text (parseRetrySchedule); null: the runtime's schedule. */
  retrySchedule: string | null;
  /** Per-attempt timeout in ms; null: the runtime's delivery timeout. */
  timeoutMs: number | null;
}

/** The secret half, stored encrypted (SecretCipher locally, Secrets Manager on AWS). */
export interface ReceiverSecrets {
  /** Values of the secret custom headers, by header name as given. */
  headers: Record<string, string>;
  password?: string;
  token?: string;
  clientSecret?: string;
  /** PEM private key of the client certificate. */
  privateKey?: string;
}

export const NO_RECEIVER_OPTIONS: ReceiverOptions = Object.freeze({
  headers: [],
  auth: { type: 'none' },
  clientCertificate: null,
  retrySchedule: null,
  timeoutMs: null,
}) as ReceiverOptions;

/** Whether any secret is held (an empty document is the same as none). */
export const hasReceiverSecrets = (secrets: ReceiverSecrets): boolean =>
  Object.keys(secrets.headers).length > 0 ||
  secrets.password !== undefined ||
  secrets.token !== undefined ||
  secrets.clientSecret !== undefined ||
  secrets.privateKey !== undefined;
