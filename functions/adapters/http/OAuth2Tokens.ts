import { OAUTH2_TOKENS } from '../../core/receivers/constants.ts';
import type { ReceiverAuth } from '../../core/receivers/ReceiverOptions.ts';
import { describeSendError } from './classifySendError.ts';
import { OAuth2TokenError } from './errors.ts';

type OAuth2Auth = Extract<ReceiverAuth, { type: 'oauth2' }>;

/** POSTs a form and reads the answer (bounded); the sender's SSRF-guarded agent does the I/O. */
export type FormPost = (
  url: string,
  request: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; body: string }>;

interface CachedToken {
  revision: string;
  token: string;
  refreshAtMs: number;
}

/**
 * Access tokens from OAuth2 client-credentials grants (RFC 6749 §4.4), one per endpoint, kept until
 * shortly before they expire. Concurrent deliveries to one endpoint share one token request. A
 * change to the endpoint (a new revision) drops its token.
 */
export class OAuth2Tokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly post: FormPost,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The endpoint's token, fetched when none is cached, it is near expiry, or it is `rejected` (the
   * receiver answered 401 to it).
   */
  async token(
    target: { endpointId: string; revision: string },
    auth: OAuth2Auth,
    clientSecret: string,
    signal: AbortSignal,
    rejected?: string,
  ): Promise<string> {
    const cached = this.cache.get(target.endpointId);
    if (
      cached &&
      cached.revision === target.revision &&
      cached.token !== rejected &&
      this.now() < cached.refreshAtMs
    ) {
      return cached.token;
    }
    const key = `${target.endpointId} ${target.revision}`;
    let request = this.pending.get(key);
    if (!request) {
      request = this.fetchToken(auth, clientSecret, signal)
        .then(({ token, lifetimeMs }) => {
          // Refreshed a little before expiry, so no token expires between cache and receiver.
          const margin = Math.min(OAUTH2_TOKENS.refreshMarginMs, lifetimeMs / 10);
          this.cache.set(target.endpointId, {
            revision: target.revision,
            token,
            refreshAtMs: this.now() + lifetimeMs - margin,
          });
          return token;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    return request;
  }

  private async fetchToken(auth: OAuth2Auth, clientSecret: string, signal: AbortSignal) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    for (const [name, value] of Object.entries(auth.extraParams)) form.set(name, value);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (auth.clientAuthentication === 'post') {
      form.set('client_id', auth.clientId);
      form.set('client_secret', clientSecret);
    } else {
      // RFC 6749 §2.3.1: both parts form-urlencoded before the base64.
      const credentials = `${formEncode(auth.clientId)}:${formEncode(clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const where = `oauth2 token endpoint ${auth.tokenUrl}`;
    let answer: { status: number; body: string };
    try {
      answer = await this.post(auth.tokenUrl, { headers, body: form.toString(), signal });
    } catch (error) {
      throw new OAuth2TokenError(`${where}: ${describeSendError(error)}`, { cause: error, retryable: true });
    }
    let parsed: Record<string, unknown> = {};
    try {
      const value: unknown = JSON.parse(answer.body);
      if (value && typeof value === 'object') parsed = value as Record<string, unknown>;
    } catch {
      // Not JSON: said below.
    }
    if (answer.status < 200 || answer.status > 299) {
      const reason = typeof parsed.error === 'string' ? `: ${parsed.error.slice(0, 100)}` : '';
      throw new OAuth2TokenError(`${where} answered HTTP ${answer.status}${reason}`, { retryable: true });
    }
    const token = parsed.access_token;
    if (typeof token !== 'string' || token === '' || /[\r\n\0]/.test(token)) {
      throw new OAuth2TokenError(`${where} answered ${answer.status} without a usable access_token`, {
        retryable: true,
      });
    }
    if (typeof parsed.token_type === 'string' && parsed.token_type.toLowerCase() !== 'bearer') {
      throw new OAuth2TokenError(
        `${where} issued a "${parsed.token_type.slice(0, 40)}" token; only bearer tokens are supported`,
      );
    }
    const expiresIn = Number(parsed.expires_in);
    const lifetimeMs =
      Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : OAUTH2_TOKENS.defaultLifetimeMs;
    return { token, lifetimeMs };
  }
}

const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
