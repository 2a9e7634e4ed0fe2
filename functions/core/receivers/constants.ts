import { DURATION_UNIT_MS } from '../retry/constants.ts';

/** How Rowhook proves itself to an endpoint's receiver, besides the webhook signature. */
export const RECEIVER_AUTH_TYPES = {
  none: 'none',
  basic: 'basic',
  bearer: 'bearer',
  oauth2: 'oauth2',
} as const;
export type ReceiverAuthType = (typeof RECEIVER_AUTH_TYPES)[keyof typeof RECEIVER_AUTH_TYPES];

/**
 * How the client authenticates to the OAuth2 token endpoint (RFC 6749 §2.3.1): `basic`
 * (client_secret_basic, which every server must support, the default) or `post`
 * (client_secret_post: client_id and client_secret in the form body).
 */
export const OAUTH2_CLIENT_AUTHENTICATION = { basic: 'basic', post: 'post' } as const;
export type OAuth2ClientAuthentication =
  (typeof OAUTH2_CLIENT_AUTHENTICATION)[keyof typeof OAUTH2_CLIENT_AUTHENTICATION];

export const OAUTH2_TOKENS = {
  /** A token is replaced this long before it expires, so none expires in flight. */
  refreshMarginMs: 30 * DURATION_UNIT_MS.s,
  /** Lifetime assumed when the token endpoint sends no expires_in (RFC 6749 makes it optional). */
  defaultLifetimeMs: 5 * DURATION_UNIT_MS.m,
  /** Bytes of a token response read; a token endpoint has no reason to send more. */
  maxResponseBytes: 64 * 1024,
  maxExtraParams: 20,
} as const;

export const CUSTOM_HEADERS = {
  maxCount: 20,
  maxNameLength: 256,
  maxValueBytes: 4096,
  /** All names and values together. */
  maxTotalBytes: 16 * 1024,
} as const;

/**
 * Header names a tenant may not set: Rowhook's own (the signature headers and what the sender
 * writes), and hop-by-hop headers (RFC 9110 §7.6.1), which describe one connection and which
 * undici manages itself. Compared lower-case.
 */
export const REFUSED_HEADER_NAMES: Readonly<Record<string, string>> = {
  host: 'is set from the endpoint URL',
  'content-length': 'is set from the body',
  'content-type': 'is always application/json: the signed body is JSON',
  'user-agent': 'identifies Rowhook to receivers',
  connection: 'is a hop-by-hop header',
  'keep-alive': 'is a hop-by-hop header',
  te: 'is a hop-by-hop header',
  trailer: 'is a hop-by-hop header',
  'transfer-encoding': 'is a hop-by-hop header',
  upgrade: 'is a hop-by-hop header',
  expect: 'is managed by the HTTP client',
};
export const REFUSED_HEADER_PREFIXES: Readonly<Record<string, string>> = {
  'webhook-': 'is reserved for the Standard Webhooks headers Rowhook signs with',
  'proxy-': 'is a hop-by-hop header',
};

/** Per-endpoint request timeout: the default (ROWHOOK_DELIVERY_TIMEOUT) is 15 s. */
export const ENDPOINT_TIMEOUT_MS = { min: 1_000, max: 30_000 } as const;

/** What the API shows in place of a stored secret. */
export const MASKED_SECRET = '********';

/** RFC 9110 token: what an HTTP header name may contain. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
