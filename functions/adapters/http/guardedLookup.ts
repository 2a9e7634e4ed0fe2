import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { AddressPolicy } from '../../core/network/AddressPolicy.ts';
import { BlockedAddressError } from '../../core/network/errors.ts';

export type LookupCallback = (
  error: Error | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A DNS lookup for undici's connect that refuses names resolving to an address the policy forbids. */
export function guardedLookup(
  policy: AddressPolicy,
  hostname: string,
  options: object,
  callback: LookupCallback,
) {
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

/** Literal IPs skip DNS lookup inside net.connect, so they are checked before the request. */
export function refuseLiteralAddress(policy: AddressPolicy, url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const reason = policy.refusalReason(host);
    if (reason) throw new BlockedAddressError(`refused to connect: ${reason}`);
  }
}
