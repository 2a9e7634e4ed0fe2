import { lookup } from 'node:dns/promises';
import type { ResolveHost } from '../../core/network/checkEndpointUrl.ts';

/**
 * Resolves a hostname for the registration-time SSRF check, giving up after `timeoutMs`: a slow
 * or lossy DNS server must not hold an API request for the resolver's own retry timeouts. A name
 * that cannot be resolved in time is treated like one that does not resolve yet (accepted; the
 * connect-time check still guards every delivery).
 */
export function resolveHostWithin(timeoutMs: number): ResolveHost {
  return async (host) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), timeoutMs);
    });
    try {
      const resolved = lookup(host, { all: true }).then((addresses) => addresses.map((a) => a.address));
      return await Promise.race([resolved, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
