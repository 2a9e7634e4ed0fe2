import { type Dispatcher, request } from 'undici';
import { CLI_DEFAULTS, EXIT_CODES, type ExitCode } from './constants.ts';
import { ApiCallError } from './errors.ts';

export type QueryValue = string | number | undefined;

export interface ApiResponse<T> {
  status: number;
  /** The parsed body (undefined for 204). */
  json: T;
  /** The body exactly as the API sent it, for --json. */
  text: string;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Aborts the request (e.g. on SIGINT) in addition to the timeout. */
  signal?: AbortSignal;
}

/** Which exit code an HTTP status means; see EXIT_CODES. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return EXIT_CODES.notFound;
  if (status >= 500) return EXIT_CODES.unavailable;
  return EXIT_CODES.refused;
}

/**
 * The Rowhook HTTP API as the CLI sees it: every failure becomes an ApiCallError carrying the exit
 * code, with the API's own message when it sent one. The token goes only into the Authorization header.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number = CLI_DEFAULTS.requestTimeoutMs,
  ) {}

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** Whether the token is a tenant API key (rk_...) rather than the admin token. */
  get isTenantKey(): boolean {
    return this.token?.startsWith('rk_') ?? false;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = this.urlFor(path, options.query);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    let status: number;
    let text: string;
    try {
      // undici's request rather than fetch: fetch refuses "bad ports" (6000, 10080, ...) an API may use.
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        // One request per process (tail polls once a second): no idle socket keeps the CLI from exiting.
        reset: true,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw this.unreachable(error, timeout.aborted);
    }
    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      if (text !== '' && json === undefined) {
        throw new ApiCallError(
          EXIT_CODES.unavailable,
          `${method} ${path} answered ${status} with a body that is not JSON; is ${this.baseUrl} a Rowhook API?`,
          status,
          undefined,
        );
      }
      return { status, json: json as T, text };
    }
    throw this.refused(method, path, status, json);
  }

  private urlFor(path: string, query: Record<string, QueryValue> = {}): string {
    // Keeps any base path a deployment is mounted under (e.g. an API Gateway stage).
    const base = new URL(this.baseUrl);
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private unreachable(error: unknown, timedOut: boolean): ApiCallError {
    const reason = timedOut
      ? `no answer within ${this.timeoutMs / 1000} s`
      : (networkCode(error) ?? (error instanceof Error ? error.message : String(error)));
    return new ApiCallError(
      EXIT_CODES.unavailable,
      `cannot reach the Rowhook API at ${this.baseUrl} (${reason}); is it running? Set --url or ROWHOOK_URL`,
      undefined,
      undefined,
    );
  }

  private refused(method: string, path: string, status: number, json: unknown): ApiCallError {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const apiMessage = typeof error?.message === 'string' ? error.message : undefined;
    let message = apiMessage ?? `${method} ${path} answered HTTP ${status}`;
    if (status === 401 && !this.token) {
      message += ' (no token: pass --token, set ROWHOOK_TOKEN, or run in the folder of `npm start`)';
    }
    return new ApiCallError(
      exitCodeForStatus(status),
      message,
      status,
      typeof error?.code === 'string' ? error.code : undefined,
    );
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** ECONNREFUSED and friends, or the innermost message ("bad port"), which undici hides in `cause`. */
function networkCode(error: unknown): string | undefined {
  let innermost: string | undefined;
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    innermost = current.message;
  }
  return innermost;
}
