import { isIP } from 'node:net';

/**
 * event-ruler (CIDR.java) treats a string as an IP address only if it looks like one to these patterns, then
 * asks Java's InetAddress for its bytes; anything else is an ordinary string.
 */
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * The address bytes of an IP literal, so compressed, expanded and upper-case IPv6 forms compare equal, or
 * undefined if the text is not an address. Like InetAddress, an IPv4-mapped IPv6 address (::ffff:a00:1) yields
 * its 4 IPv4 bytes. Octets with leading zeros are refused, as current JDKs refuse them as ambiguous.
 */
export function ipAddressBytes(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return isIP(text) === 4 ? text.split('.').map(Number) : undefined;
  if (!IPV6_SHAPE.test(text) || isIP(text) !== 6) return undefined;
  const bytes = ipv6Bytes(text);
  const mapped = IPV4_MAPPED_PREFIX.every((byte, index) => bytes[index] === byte);
  return mapped ? bytes.slice(IPV4_MAPPED_PREFIX.length) : bytes;
}

function ipv6Bytes(text: string): number[] {
  const [head = '', tail] = text.split('::');
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

/** Whether `bytes` lies in the inclusive range, comparing addresses of the same family only. */
export function inAddressRange(bytes: readonly number[], bottom: readonly number[], top: readonly number[]) {
  return bytes.length === bottom.length && compare(bytes, bottom) >= 0 && compare(bytes, top) <= 0;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
