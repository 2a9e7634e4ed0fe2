import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { inAddressRange, ipAddressBytes } from './ipAddress.ts';

const EXAMPLE = 'an IPv4 or IPv6 block like "10.0.0.0/24" or "2001:db8::/32"';

/**
 * Compiles a `cidr` operand into a test of IP-address strings, as event-ruler's CIDR.cidr does: the block is
 * the address with its host bits cleared up to the address with them set. event-ruler refuses a mask of 32
 * (IPv4) or 128 (IPv6); the message says to name the single address instead, which it matches as an address.
 */
export function compileCidr(operand: unknown, path: string): (value: string) => boolean {
  const parts = typeof operand === 'string' ? operand.split('/') : [];
  const [address = '', maskText = ''] = parts;
  const bytes = ipAddressBytes(address);
  const mask = /^[+-]?\d{1,9}$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (parts.length !== 2 || bytes === undefined || !(mask >= 0)) {
    throw new InvalidFilterError(path, `cidr expects ${EXAMPLE}, got ${describeValue(operand)}`);
  }
  const bits = bytes.length * 8;
  if (mask >= bits) {
    throw new InvalidFilterError(
      path,
      `cidr expects fewer than ${bits} mask bits for ${bytes.length === 4 ? 'IPv4' : 'IPv6'}, got ` +
        `${describeValue(operand)}; to match one address, list it as a value: [${JSON.stringify(address)}]`,
    );
  }
  const hostBits = bits - mask;
  const bottom = bytes.map((byte, index) => byte & ~hostMask(index, bytes.length, hostBits));
  const top = bytes.map((byte, index) => byte | hostMask(index, bytes.length, hostBits));
  return (value) => {
    const valueBytes = ipAddressBytes(value);
    return valueBytes !== undefined && inAddressRange(valueBytes, bottom, top);
  };
}

/** The bits of byte `index` that belong to the host part. */
function hostMask(index: number, length: number, hostBits: number): number {
  const bitsInThisByte = Math.min(8, Math.max(0, hostBits - (length - 1 - index) * 8));
  return (1 << bitsInThisByte) - 1;
}
