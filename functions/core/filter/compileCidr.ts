import { BlockList, isIP } from 'node:net';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';

/** Compiles a `cidr` operand (IPv4 or IPv6, e.g. "10.0.0.0/24") into a test of IP-address strings. */
export function compileCidr(operand: unknown, path: string): (value: string) => boolean {
  const parts = typeof operand === 'string' ? operand.split('/') : [];
  const [address = '', prefixText = ''] = parts;
  const family = isIP(address);
  const maxPrefix = family === 6 ? 128 : 32;
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (parts.length !== 2 || family === 0 || !(prefix <= maxPrefix)) {
    throw new InvalidFilterError(
      path,
      `cidr expects an IPv4 or IPv6 block like "10.0.0.0/24" or "2001:db8::/32", got ${describeValue(operand)}`,
    );
  }
  const block = new BlockList();
  block.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return (value) => {
    const valueFamily = isIP(value);
    return valueFamily !== 0 && block.check(value, valueFamily === 6 ? 'ipv6' : 'ipv4');
  };
}
