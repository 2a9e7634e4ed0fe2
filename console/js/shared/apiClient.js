/** An API answer that was not a success: the API's own {error: {code, message}} where it sent one. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The API answered 404 because it has no such route (an older version), not because a thing is missing. */
export const isMissingRoute = (error) => error?.status === 404 && /^no route/.test(error.message);

/**
 * The API as the console and the tenant portal call it: same origin, below the app's own mount
 * (…/console/ or …/portal/ → …/, so a stage prefix works too), a bearer token from the app's session,
 * and failures as ApiError with a message a person can act on.
 */
export function createApiClient({ mount, token: sessionToken, unreachable, service }) {
  const mountPattern = new RegExp(`${mount}/[^/]*$`);
  const apiBase = () => location.pathname.replace(mountPattern, '');
  let onUnauthorized = () => {};

  /** Calls the API with the session's token (or `token`, when signing in). */
  async function api(method, path, { query, body, token } = {}) {
    const url = new URL(`${apiBase()}${path.replace(/^\//, '')}`, location.origin);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
    }
    const headers = { authorization: `Bearer ${token ?? sessionToken() ?? ''}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'network_error', unreachable);
    }
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = new ApiError(
        response.status,
        json?.error?.code ?? 'http_error',
        json?.error?.message ?? `${service} answered HTTP ${response.status}.`,
      );
      if (response.status === 401 && token === undefined) onUnauthorized(error);
      throw error;
    }
    return json;
  }

  return {
    api,
    setUnauthorizedHandler(handler) {
      onUnauthorized = handler;
    },
  };
}
