import type { ReceiverOptions, ReceiverSecrets } from '../../core/receivers/ReceiverOptions.ts';
import type { Endpoint, EndpointAuth } from '../../core/subscriptions/Endpoint.ts';

/**
 * What the sync Lambda needs to give one endpoint its own EventBridge API destination. Credentials
 * are resolved by the caller (from Secrets Manager), never read from the subscriptions table.
 */
export type ConnectionAuth =
  | { type: 'API_KEY'; headerName: string; headerValue: string }
  | { type: 'BASIC'; username: string; password: string }
  | {
      type: 'OAUTH_CLIENT_CREDENTIALS';
      authorizationEndpoint: string;
      clientId: string;
      clientSecret: string;
      httpMethod: 'GET' | 'POST' | 'PUT';
      /** Extra body parameters for the token request, e.g. scope. */
      bodyParameters?: Record<string, string>;
    };

export interface DedicatedEndpoint {
  endpointId: string;
  tenantId: string;
  url: string;
  /** Requests per second EventBridge allows to this destination. */
  rateLimitPerSecond: number;
  /** null: the endpoint needs no auth; EventBridge still requires a connection, so a placeholder one is made. */
  auth: ConnectionAuth | null;
  /** The endpoint's custom headers: the Connection's InvocationHttpParameters (secret ones as IsValueSecret). */
  headers?: ConnectionHeader[];
}

export interface ConnectionHeader {
  name: string;
  value: string;
  secret: boolean;
}

export const DEFAULT_RATE_LIMIT_PER_SECOND = 10;

/**
 * Header EventBridge requires on an API_KEY connection when the receiver needs none; it carries no
 * secret and receivers ignore it.
 */
export const PLACEHOLDER_AUTH: ConnectionAuth = {
  type: 'API_KEY',
  headerName: 'x-rowhook-connection',
  headerValue: 'none',
};

/** The endpoint's API destination: its URL, its rate limit (or the default) and its Connection's auth. */
export function dedicatedEndpointOf(
  endpoint: Endpoint,
  auth: ConnectionAuth | null,
  headers: ConnectionHeader[] = [],
): DedicatedEndpoint {
  return {
    endpointId: endpoint.id,
    tenantId: endpoint.tenantId,
    url: endpoint.url,
    rateLimitPerSecond: endpoint.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND,
    auth,
    ...(headers.length > 0 ? { headers } : {}),
  };
}

/**
 * The Connection for an endpoint's receiver options: basic → BASIC, bearer → API_KEY with
 * `Authorization: Bearer <token>`, oauth2 → OAUTH_CLIENT_CREDENTIALS (EventBridge requests and
 * refreshes the token itself), custom headers → invocation header parameters. A string says why it
 * cannot be built (a secret missing). Mutual TLS has no Connection equivalent; the API refuses it
 * for these endpoints.
 */
export function receiverConnectionOf(
  receiver: ReceiverOptions,
  secrets: ReceiverSecrets | undefined,
): { auth: ConnectionAuth | null; headers: ConnectionHeader[] } | string {
  const missing = (what: string) => `no ${what} stored for the endpoint; send it again (PATCH) to retry`;
  const headers: ConnectionHeader[] = [];
  for (const header of receiver.headers) {
    const value = header.secret ? secrets?.headers[header.name] : (header.value ?? '');
    if (value === undefined) return missing(`value for header ${header.name}`);
    headers.push({ name: header.name, value, secret: header.secret });
  }
  const auth = receiver.auth;
  switch (auth.type) {
    case 'none':
      return { auth: null, headers };
    case 'basic':
      if (secrets?.password === undefined) return missing('basic-auth password');
      return { auth: { type: 'BASIC', username: auth.username, password: secrets.password }, headers };
    case 'bearer':
      if (secrets?.token === undefined) return missing('bearer token');
      return {
        auth: { type: 'API_KEY', headerName: 'Authorization', headerValue: `Bearer ${secrets.token}` },
        headers,
      };
    case 'oauth2':
      if (secrets?.clientSecret === undefined) return missing('OAuth2 client secret');
      return {
        auth: {
          type: 'OAUTH_CLIENT_CREDENTIALS',
          authorizationEndpoint: auth.tokenUrl,
          httpMethod: 'POST',
          clientId: auth.clientId,
          clientSecret: secrets.clientSecret,
          bodyParameters: {
            grant_type: 'client_credentials',
            ...(auth.scope === null ? {} : { scope: auth.scope }),
            ...auth.extraParams,
          },
        },
        headers,
      };
  }
}

/** The Connection's auth: the endpoint's non-secret half (the table) with its secret half (Secrets Manager). */
export function connectionAuthOf(auth: EndpointAuth, secret: string): ConnectionAuth {
  switch (auth.type) {
    case 'API_KEY':
      return { type: 'API_KEY', headerName: auth.headerName, headerValue: secret };
    case 'BASIC':
      return { type: 'BASIC', username: auth.username, password: secret };
    case 'OAUTH_CLIENT_CREDENTIALS':
      return {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        authorizationEndpoint: auth.tokenUrl,
        httpMethod: 'POST',
        clientId: auth.clientId,
        clientSecret: secret,
        bodyParameters: {
          grant_type: 'client_credentials',
          ...(auth.scope === undefined ? {} : { scope: auth.scope }),
        },
      };
  }
}
