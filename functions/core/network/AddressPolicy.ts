import { BlockList, isIP } from 'node:net';
import { BLOCKED_NETWORKS } from './constants.ts';
import { InvalidCidrError } from './errors.ts';

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const IPV4_MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;
const NAT64 = /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/i;
const NAT64_HEX = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;
const PREFIX_LENGTH = /^\d{1,3}$/;

/**
 * Decides whether an outgoing webhook may connect to an IP address: public addresses yes,
 * private/loopback/metadata ranges no, unless listed in the allowed networks.
 */
export class AddressPolicy {
  private readonly allowed = new BlockList();
  private readonly blocked: { list: BlockList; reason: string }[] = [];

  constructor(readonly allowedNetworks: readonly string[] = []) {
    for (const cidr of allowedNetworks) addCidr(this.allowed, cidr);
    for (const [address, prefix, reason] of BLOCKED_NETWORKS.ipv4) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv4');
      this.blocked.push({ list, reason });
    }
    for (const [address, prefix, reason] of BLOCKED_NETWORKS.ipv6) {
      const list = new BlockList();
      list.addSubnet(address, prefix, 'ipv6');
      this.blocked.push({ list, reason });
    }
  }

  /** Why the address is refused, or undefined when it may be dialled. */
  refusalReason(ip: string): string | undefined {
    const embedded = embeddedIpv4(ip);
    if (embedded) return this.refusalReason(embedded);
    const family = isIP(ip) === 6 ? 'ipv6' : isIP(ip) === 4 ? 'ipv4' : undefined;
    if (!family) return 'not an IP address';
    if (this.allowed.check(ip, family)) return undefined;
    for (const { list, reason } of this.blocked) {
      if (list.check(ip, family)) return `${ip} is ${reason}`;
    }
    return undefined;
  }
}

function embeddedIpv4(ip: string): string | undefined {
  const dotted = IPV4_MAPPED.exec(ip) ?? NAT64.exec(ip);
  if (dotted?.[1]) return dotted[1];
  // URL parsing and DNS both print these in hex (::ffff:7f00:1), not dotted.
  const hex = IPV4_MAPPED_HEX.exec(ip) ?? NAT64_HEX.exec(ip);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return undefined;
}

/** Parses `10.0.0.0/8`, `127.0.0.1` (a /32) or `::1/128` into the list; throws InvalidCidrError. */
function addCidr(list: BlockList, cidr: string): void {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  // Only plain digits: Number('') is 0, which would silently allow every address.
  const prefix =
    prefixText === undefined ? max : PREFIX_LENGTH.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new InvalidCidrError(`"${cidr}" is not a CIDR like 10.0.0.0/8, 127.0.0.1/32 or ::1/128`);
  }
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
}

/** Parses a comma-separated CIDR list (empty string: none). */
export function parseNetworkList(text: string): string[] {
  const cidrs = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  new AddressPolicy(cidrs); // validates
  return cidrs;
}
