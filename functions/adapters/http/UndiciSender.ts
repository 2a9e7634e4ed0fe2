import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import type { AddressPolicy } from '../../core/network/AddressPolicy.ts';
import { BlockedAddressError } from '../../core/network/errors.ts';
import { ERROR_CLASS, type ErrorClass } from '../../core/retry/constants.ts';
import type { OutgoingWebhook, SendResult, WebhookSender } from '../../ports/WebhookSender.ts';

export interface UndiciSenderOptions {
  policy: AddressPolicy;
  connectTimeoutMs: number;
  /** Whole attempt: connect, send, headers and the body we read. */
  totalTimeoutMs: number;
  /** Bytes of the response body kept for the attempt log. */
  snippetBytes: number;
  /** Connections kept per origin. */
  connectionsPerOrigin: number;
  userAgent: string;
}

// Reading a little past the snippet lets small bodies finish so the keep-alive connection is reused;
// anything bigger is cut off (and its connection closed) rather than downloaded.
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * One HTTP attempt per call over undici's keep-alive pools (one per origin). Redirects are not
 * followed. Every address actually dialled passes the SSRF policy: names are resolved by our
 * lookup, checked, and the checked address is the one connected to (no second resolution for a
 * rebinding DNS server to answer differently).
 */
export class UndiciSender implements WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly options: UndiciSenderOptions) {
    const policy = options.policy;
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      headersTimeout: options.totalTimeoutMs,
      bodyTimeout: options.totalTimeoutMs,
      connect: {
        timeout: options.connectTimeoutMs,
        lookup: (hostname: string, lookupOptions: object, callback: LookupCallback) =>
          guardedLookup(policy, hostname, lookupOptions, callback),
      } as object,
    });
  }

  async send(webhook: OutgoingWebhook): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const host = new URL(webhook.url).hostname.replace(/^\[|\]$/g, '');
      // Literal IPs skip DNS lookup inside net.connect, so they are checked here.
      if (isIP(host)) {
        const reason = this.options.policy.refusalReason(host);
        if (reason) throw new BlockedAddressError(`refused to connect: ${reason}`);
      }
      const response = await request(webhook.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent,
          ...webhook.headers,
        },
        body: webhook.body,
        signal: AbortSignal.timeout(this.options.totalTimeoutMs),
      });
      const snippet = await readSnippet(response.body, this.options.snippetBytes);
      return {
        ok: true,
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        snippet,
        latencyMs: elapsed(),
      };
    } catch (error) {
      return { ok: false, errorClass: classify(error), message: describe(error), latencyMs: elapsed() };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(policy: AddressPolicy, hostname: string, options: object, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.map((a) => policy.refusalReason(a.address)).find(Boolean);
    if (refused)
      return callback(new BlockedAddressError(`refused to connect to ${hostname}: ${refused}`), []);
    if ((options as { all?: boolean }).all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} resolved to no address`), []);
    callback(null, first.address, first.family);
  });
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
    if (seen > DRAIN_LIMIT_BYTES) {
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

function errorChain(error: unknown): { code?: string; name?: string; message?: string }[] {
  const chain = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    chain.push(current as { code?: string; name?: string; message?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function classify(error: unknown): ErrorClass {
  for (const link of errorChain(error)) {
    if (link instanceof BlockedAddressError) return ERROR_CLASS.blocked;
    const code = link.code ?? '';
    if (link.name === 'TimeoutError' || code.endsWith('TIMEOUT') || code === 'ETIMEDOUT')
      return ERROR_CLASS.timeout;
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
      return ERROR_CLASS.connect;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ERROR_CLASS.dns;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
      return ERROR_CLASS.reset;
    if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))
      return ERROR_CLASS.tls;
  }
  return ERROR_CLASS.other;
}

function describe(error: unknown): string {
  const messages = errorChain(error)
    .map((link) => link.message)
    .filter((message): message is string => Boolean(message));
  return [...new Set(messages)].join(': ').slice(0, 500) || 'unknown error';
}
