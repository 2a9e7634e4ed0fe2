import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import type { AddressPolicy } from '../../core/network/AddressPolicy.ts';
import type { ReceiverSecrets } from '../../core/receivers/ReceiverOptions.ts';
import type { OutgoingWebhook, SendResult, WebhookSender } from '../../ports/WebhookSender.ts';
import { classifySendError, describeSendError } from './classifySendError.ts';
import { guardedLookup, type LookupCallback, refuseLiteralAddress } from './guardedLookup.ts';
import { OAuth2Tokens } from './OAuth2Tokens.ts';
import { type PreparedReceiver, ReceiverRequests } from './ReceiverRequests.ts';

export interface UndiciSenderOptions {
  policy: AddressPolicy;
  connectTimeoutMs: number;
  /** Whole attempt: connect, send, headers and the body we read. An endpoint's timeout is capped by it. */
  totalTimeoutMs: number;
  /** Bytes of the response body kept for the attempt log. */
  snippetBytes: number;
  /** Connections kept per origin. */
  connectionsPerOrigin: number;
  userAgent: string;
  /** The endpoints' receiver secrets (SecretStore.receiverSecrets); without it, receiver options needing secrets fail. */
  receiverSecrets?: (endpointId: string) => Promise<ReceiverSecrets | undefined>;
  /**
   * PEM CA certificates trusted for HTTPS deliveries and token requests besides Node's roots
   * (ROWHOOK_DELIVERY_CA_FILE: receivers behind a private CA; the tests' own CA).
   */
  extraCaCertificates?: string;
  now?: () => number;
}

// Reading a little past the snippet lets small bodies finish so the keep-alive connection is reused;
// anything bigger is cut off (and its connection closed) rather than downloaded.
const DRAIN_LIMIT_BYTES = 64 * 1024;
const TOKEN_RESPONSE_LIMIT_BYTES = 64 * 1024;

/**
 * One HTTP attempt per call over undici's keep-alive pools (one per origin). Redirects are not
 * followed. Every address actually dialled passes the SSRF policy: names are resolved by our
 * lookup, checked, and the checked address is the one connected to (no second resolution for a
 * rebinding DNS server to answer differently). The OAuth2 token request goes through the same
 * guard. An endpoint's receiver options decorate the request (see ReceiverRequests).
 */
export class UndiciSender implements WebhookSender {
  private readonly agent: Agent;
  private readonly receivers: ReceiverRequests;

  constructor(private readonly options: UndiciSenderOptions) {
    this.agent = this.newAgent({});
    const tokens = new OAuth2Tokens((url, form) => this.postForm(url, form), options.now);
    this.receivers = new ReceiverRequests({
      secrets: options.receiverSecrets ?? (async () => undefined),
      tokens,
      sharedAgent: this.agent,
      clientAgent: (cert, key) => this.newAgent({ cert, key }),
    });
  }

  async send(webhook: OutgoingWebhook): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const timeoutMs = Math.min(webhook.receiver?.options.timeoutMs ?? Infinity, this.options.totalTimeoutMs);
    // One deadline for the whole attempt: token request, request, and the one retry after a 401.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      refuseLiteralAddress(this.options.policy, webhook.url);
      const prepared: PreparedReceiver = webhook.receiver
        ? await this.receivers.prepare(webhook.receiver)
        : { headers: {}, dispatcher: this.agent };
      let token = prepared.accessToken ? await prepared.accessToken(signal) : undefined;
      let response = await this.post(webhook, prepared, token, signal);
      if (response.statusCode === 401 && prepared.accessToken && token !== undefined) {
        // The token was revoked or expired early: one new token, one more try, same attempt.
        await readSnippet(response.body, 0);
        token = await prepared.accessToken(signal, token);
        response = await this.post(webhook, prepared, token, signal);
      }
      const snippet = await readSnippet(response.body, this.options.snippetBytes);
      return {
        ok: true,
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        snippet,
        latencyMs: elapsed(),
      };
    } catch (error) {
      return {
        ok: false,
        errorClass: classifySendError(error),
        message: describeSendError(error),
        latencyMs: elapsed(),
      };
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.receivers.close(), this.agent.close()]);
  }

  private post(
    webhook: OutgoingWebhook,
    prepared: PreparedReceiver,
    token: string | undefined,
    signal: AbortSignal,
  ) {
    return request(webhook.url, {
      method: 'POST',
      dispatcher: prepared.dispatcher,
      headers: {
        ...prepared.headers,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        'content-type': 'application/json',
        'user-agent': this.options.userAgent,
        ...webhook.headers,
      },
      body: webhook.body,
      signal,
    });
  }

  private async postForm(
    url: string,
    form: { headers: Record<string, string>; body: string; signal: AbortSignal },
  ) {
    refuseLiteralAddress(this.options.policy, url);
    const response = await request(url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { ...form.headers, 'user-agent': this.options.userAgent },
      body: form.body,
      signal: form.signal,
    });
    return {
      status: response.statusCode,
      body: await readSnippet(response.body, TOKEN_RESPONSE_LIMIT_BYTES),
    };
  }

  private newAgent(tls: { cert?: string; key?: string }): Agent {
    const policy = this.options.policy;
    const ca = this.options.extraCaCertificates
      ? [...rootCertificates, this.options.extraCaCertificates]
      : undefined;
    return new Agent({
      connections: this.options.connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      headersTimeout: this.options.totalTimeoutMs,
      bodyTimeout: this.options.totalTimeoutMs,
      connect: {
        timeout: this.options.connectTimeoutMs,
        ...(ca ? { ca } : {}),
        ...tls,
        lookup: (hostname: string, lookupOptions: object, callback: LookupCallback) =>
          guardedLookup(policy, hostname, lookupOptions, callback),
      } as object,
    });
  }
}

async function readSnippet(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit: number,
): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (keptBytes < limit) {
      const part = chunk.subarray(0, limit - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (seen > Math.max(DRAIN_LIMIT_BYTES, limit)) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(kept).toString('utf8');
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
