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
export function dedicatedEndpointOf(endpoint: Endpoint, auth: ConnectionAuth | null): DedicatedEndpoint {
  return {
    endpointId: endpoint.id,
    tenantId: endpoint.tenantId,
    url: endpoint.url,
    rateLimitPerSecond: endpoint.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT_PER_SECOND,
    auth,
  };
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
