import { session } from './session.js';

/** An API answer that was not a success, with the API's own {error: {code, message}}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The API is the portal's own origin and path prefix: …/portal/ → …/.
const apiBase = () => location.pathname.replace(/portal\/[^/]*$/, '');

let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/** Calls the API with the portal token (or `token`, when signing in). */
export async function api(method, path, { query, body, token } = {}) {
  const url = new URL(`${apiBase()}${path.replace(/^\//, '')}`, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { authorization: `Bearer ${token ?? session.token() ?? ''}` };
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
    throw new ApiError(0, 'network_error', 'The webhooks service could not be reached. Try again shortly.');
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
      json?.error?.message ?? `The service answered HTTP ${response.status}.`,
    );
    if (response.status === 401 && token === undefined) onUnauthorized(error);
    throw error;
  }
  return json;
}
