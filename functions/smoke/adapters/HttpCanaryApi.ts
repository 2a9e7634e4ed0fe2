import { API_UNAUTHORIZED, SmokeError } from '../errors.ts';
import type { CanaryApi, CreatedEndpoint, DedicatedState } from '../ports.ts';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The Rowhook HTTP API over fetch: the admin token creates the tenant, its API key the rest. */
export class HttpCanaryApi implements CanaryApi {
  private readonly base: string;

  constructor(
    apiUrl: string,
    private readonly adminToken: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    this.base = apiUrl.replace(/\/+$/, '');
  }

  async createTenant(id: string, name: string): Promise<{ apiKey: string }> {
    const body = await this.call(this.adminToken, 'POST', '/v1/tenants', { id, name, tier: 'pooled' });
    return { apiKey: stringField(body, 'apiKey') };
  }

  async createEndpoint(
    apiKey: string,
    input: { url: string; transport: string; description: string },
  ): Promise<CreatedEndpoint> {
    const body = await this.call(apiKey, 'POST', '/v1/endpoints', input);
    return { id: stringField(body, 'id'), secret: stringField(body, 'secret') };
  }

  async dedicatedState(apiKey: string, endpointId: string): Promise<DedicatedState | null> {
    const body = await this.call(apiKey, 'GET', `/v1/endpoints/${encodeURIComponent(endpointId)}`);
    const dedicated = (body as { dedicated?: { status?: unknown; reason?: unknown } | null }).dedicated;
    if (!dedicated || typeof dedicated.status !== 'string') return null;
    return {
      status: dedicated.status,
      reason: typeof dedicated.reason === 'string' ? dedicated.reason : null,
    };
  }

  async deleteEndpoint(apiKey: string, endpointId: string): Promise<void> {
    await this.call(apiKey, 'DELETE', `/v1/endpoints/${encodeURIComponent(endpointId)}`);
  }

  private async call(token: string, method: string, path: string, json?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    } catch (cause) {
      throw new SmokeError('api_unreachable', `${method} ${path} did not get an answer`, {
        cause,
        retryable: true,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      // 401/403 with a kept tenant's key: the tenant is gone or its key changed; runSmoke makes a new one.
      const code = response.status === 401 || response.status === 403 ? API_UNAUTHORIZED : 'api_refused';
      throw new SmokeError(code, `${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`, {
        retryable: response.status >= 500 || response.status === 429,
      });
    }
    return text === '' ? {} : (JSON.parse(text) as unknown);
  }
}

function stringField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null)?.[name];
  if (typeof value !== 'string') {
    throw new SmokeError('api_unexpected', `the API answer has no string "${name}"`);
  }
  return value;
}
