import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { compileError } from './compileError.ts';

// event-ruler CIDR.java: strings shaped like IPv4 or IPv6 addresses are compared by their address bytes
// (InetAddress), both for `cidr` and for plain string literals (JsonRuleCompiler uses CIDR.ipToRangeIfPossible).
describe('IP addresses', () => {
  it.each([
    ['compressed pattern, expanded event', '2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['expanded pattern, compressed event', '2001:0DB8:0:0:0:0:0:1', '2001:db8::1', true],
    ['upper and lower case hex', '2001:DB8::A', '2001:db8::a', true],
    ['different addresses', '2001:db8::1', '2001:db8::2', false],
    ['IPv4 equal', '10.0.0.1', '10.0.0.1', true],
    ['an IPv4-mapped IPv6 address is its IPv4 address', '10.0.0.33', '::ffff:a00:21', true],
    ['IPv4 with a leading zero is not an address', '10.0.0.1', '10.0.0.01', false],
  ])('literal: %s', (_name, literal, value, expected) => {
    expect(compileFilter({ ip: [literal] }).matches({ ip: value })).toBe(expected);
  });

  it('compares strings that are not addresses as text', () => {
    expect(compileFilter({ v: ['10.0.0.999'] }).matches({ v: '10.0.0.999' })).toBe(true);
    expect(compileFilter({ v: ['10.0.0.1'] }).matches({ v: 1 })).toBe(false);
  });

  it.each([
    ['expanded IPv6 inside the block', '2001:db8::/32', '2001:0db8:ffff:0000:0000:0000:0000:0001', true],
    ['upper-case IPv6 inside the block', '2001:db8::/32', '2001:DB8::ABCD', true],
    ['IPv6 outside the block', '2001:db8::/32', '2001:0db9::1', false],
    ['the block is the address with its host bits cleared', '10.0.0.33/24', '10.0.0.1', true],
    ['IPv4-mapped IPv6 event inside an IPv4 block', '10.0.0.0/24', '::ffff:a00:21', true],
    ['IPv6 event never inside an IPv4 block', '10.0.0.0/8', '2001:db8::1', false],
  ])('cidr: %s', (_name, block, value, expected) => {
    expect(compileFilter({ ip: [{ cidr: block }] }).matches({ ip: value })).toBe(expected);
  });

  it.each([
    ['10.0.0.1/32', 'fewer than 32 mask bits for IPv4', 'list it as a value: ["10.0.0.1"]'],
    ['2001:db8::1/128', 'fewer than 128 mask bits for IPv6', '["2001:db8::1"]'],
  ])('refuses a cidr naming a single address, %s, as event-ruler does', (block, problem, fix) => {
    const error = compileError({ ip: [{ cidr: block }] });
    expect(error.message).toContain(problem);
    expect(error.message).toContain(fix);
  });
});
