import { isIP } from 'node:net';
import type { AddressPolicy } from './AddressPolicy.ts';
import { BlockedAddressError, NetworkPolicyError } from './errors.ts';

export class InvalidEndpointUrlError extends NetworkPolicyError {
  override readonly code = 'invalid_url';
}

export type ResolveHost = (hostname: string) => Promise<string[]>;

/**
 * Registration-time check of an endpoint URL. The connect-time check on the dialled address is
 * the one that defeats DNS rebinding; this one gives the tenant a clear error up front.
 * A name that does not resolve yet is accepted (deliveries will retry it as a DNS failure).
 */
export async function checkEndpointUrl(
  raw: string,
  options: { policy: AddressPolicy; resolve: ResolveHost; requireHttps: boolean },
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidEndpointUrlError(
      `url "${truncate(raw)}" is not an absolute URL like https://example.com/webhooks`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidEndpointUrlError(`url must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (options.requireHttps && url.protocol !== 'https:') {
    throw new InvalidEndpointUrlError('url must use https (ROWHOOK_MODE=production)');
  }
  if (url.username || url.password) {
    throw new InvalidEndpointUrlError(
      'url must not contain credentials; use a header or query token the receiver checks',
    );
  }
  if (url.hash) throw new InvalidEndpointUrlError('url must not contain a #fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await options.resolve(host).catch(() => []);
  for (const address of addresses) {
    const reason = options.policy.refusalReason(address);
    if (reason) {
      throw new BlockedAddressError(
        `url host ${host} resolves to ${reason}; webhooks may not target private or local networks ` +
          '(an operator can allow a network with ROWHOOK_ALLOWED_NETWORKS)',
      );
    }
  }
  return url;
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
