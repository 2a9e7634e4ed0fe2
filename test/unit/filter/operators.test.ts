import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { ORDER_EVENT } from './orderEvent.ts';

type Case = readonly [name: string, pattern: Record<string, unknown>, expected: boolean];

function expectCases(cases: readonly Case[], event: unknown = ORDER_EVENT) {
  it.each(cases)('%s', (_name, pattern, expected) => {
    const filter = compileFilter(pattern);
    expect(filter.matches(event)).toBe(expected);
    // The relay matches bodies from their JSON text; both forms of the event must agree.
    expect(filter.matchesJson(JSON.stringify(event))).toBe(expected);
  });
}

describe('prefix', () => {
  expectCases([
    ['matching prefix', { type: [{ prefix: 'orders.' }] }, true],
    ['other prefix', { type: [{ prefix: 'users.' }] }, false],
    ['contained but not at the start', { type: [{ prefix: 'created' }] }, false],
    ['case-sensitive', { type: [{ prefix: 'Orders.' }] }, false],
    ['empty prefix matches any string', { type: [{ prefix: '' }] }, true],
    ['never matches numbers', { data: { id: [{ prefix: '1' }] } }, false],
    ['equals-ignore-case, matching', { type: [{ prefix: { 'equals-ignore-case': 'ORDERS.' } }] }, true],
    ['equals-ignore-case, other prefix', { type: [{ prefix: { 'equals-ignore-case': 'USERS.' } }] }, false],
  ]);
});

describe('suffix', () => {
  expectCases([
    ['matching suffix', { type: [{ suffix: '.created' }] }, true],
    ['other suffix', { type: [{ suffix: '.deleted' }] }, false],
    ['contained but not at the end', { type: [{ suffix: 'orders' }] }, false],
    ['case-sensitive', { type: [{ suffix: '.CREATED' }] }, false],
    ['never matches booleans', { data: { paid: [{ suffix: 'ue' }] } }, false],
    [
      'equals-ignore-case, matching',
      { data: { customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.COM' } }] } } },
      true,
    ],
    [
      'equals-ignore-case, other suffix',
      { data: { customer: { email: [{ suffix: { 'equals-ignore-case': '@example.org' } }] } } },
      false,
    ],
  ]);
});

describe('equals-ignore-case', () => {
  expectCases([
    [
      'same letters, other case',
      { data: { customer: { email: [{ 'equals-ignore-case': 'ann@EXAMPLE.com' }] } } },
      true,
    ],
    [
      'different string',
      { data: { customer: { email: [{ 'equals-ignore-case': 'ann@example.co' }] } } },
      false,
    ],
    ['never matches numbers', { data: { id: [{ 'equals-ignore-case': '1' }] } }, false],
  ]);
});

describe('wildcard', () => {
  expectCases([
    ['trailing *', { type: [{ wildcard: 'orders.*' }] }, true],
    ['leading *', { type: [{ wildcard: '*.created' }] }, true],
    ['several *', { type: [{ wildcard: 'o*s.c*d' }] }, true],
    ['* matches an empty run', { type: [{ wildcard: 'orders.*created' }] }, true],
    ['no match', { type: [{ wildcard: 'users.*' }] }, false],
    ['without * it is an exact match', { type: [{ wildcard: 'orders.created' }] }, true],
    ['without * a shorter string does not match', { type: [{ wildcard: 'orders.create' }] }, false],
    ['\\* is a literal asterisk', { data: { label: [{ wildcard: 'price\\*2' }] } }, true],
    ['\\* is not a wildcard', { data: { label: [{ wildcard: 'pri\\*' }] } }, false],
    ['\\* next to a real *', { data: { label: [{ wildcard: 'p*\\*2' }] } }, true],
    ['\\\\ is a literal backslash', { data: { windowsPath: [{ wildcard: 'C:\\\\*' }] } }, true],
    ['never matches numbers', { data: { id: [{ wildcard: '*' }] } }, false],
  ]);

  it.each([
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a*b*c', 'acb', false],
    ['a*b*c', 'aXbYbZc', true],
    ['*', '', true],
    ['*a*', 'bbb', false],
    ['a*bc*c', 'abc', false],
    ['a*bc*c', 'abcc', true],
  ])('%s against %j is %s', (pattern, value, expected) => {
    expect(compileFilter({ v: [{ wildcard: pattern }] }).matches({ v: value })).toBe(expected);
  });
});

describe('anything-but', () => {
  expectCases([
    ['string, other value', { type: [{ 'anything-but': 'orders.deleted' }] }, true],
    ['string, same value', { type: [{ 'anything-but': 'orders.created' }] }, false],
    ['string list, value not listed', { type: [{ 'anything-but': ['a', 'b'] }] }, true],
    ['string list, value listed', { type: [{ 'anything-but': ['a', 'orders.created'] }] }, false],
    ['number, other value', { data: { id: [{ 'anything-but': 2 }] } }, true],
    ['number, same value', { data: { id: [{ 'anything-but': 1 }] } }, false],
    ['number list, value not listed', { data: { id: [{ 'anything-but': [2, 3] }] } }, true],
    ['number list, value listed', { data: { id: [{ 'anything-but': [2, 1] }] } }, false],
    ['a number is anything but a string', { data: { id: [{ 'anything-but': '1' }] } }, true],
    ['array field, some element not excluded', { data: { tags: [{ 'anything-but': 'a' }] } }, true],
    ['array field, every element excluded', { data: { tags: [{ 'anything-but': ['a', 'vip'] }] } }, false],
    ['missing field never matches', { data: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['prefix, not excluded', { type: [{ 'anything-but': { prefix: 'users.' } }] }, true],
    ['prefix, excluded', { type: [{ 'anything-but': { prefix: 'orders.' } }] }, false],
    ['prefix, only contained', { type: [{ 'anything-but': { prefix: 'created' } }] }, true],
    ['prefix list, one excluded', { type: [{ 'anything-but': { prefix: ['users.', 'orders.'] } }] }, false],
    ['suffix, not excluded', { type: [{ 'anything-but': { suffix: '.deleted' } }] }, true],
    ['suffix, excluded', { type: [{ 'anything-but': { suffix: '.created' } }] }, false],
    ['suffix, only contained', { type: [{ 'anything-but': { suffix: 'orders' } }] }, true],
    ['wildcard, not excluded', { data: { path: [{ 'anything-but': { wildcard: '*/bin/*' } }] } }, true],
    ['wildcard, excluded', { data: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, false],
    [
      'equals-ignore-case, not excluded',
      { type: [{ 'anything-but': { 'equals-ignore-case': 'ORDERS.DELETED' } }] },
      true,
    ],
    [
      'equals-ignore-case, excluded',
      { type: [{ 'anything-but': { 'equals-ignore-case': 'ORDERS.CREATED' } }] },
      false,
    ],
    [
      'equals-ignore-case list, excluded',
      { type: [{ 'anything-but': { 'equals-ignore-case': ['x', 'Orders.Created'] } }] },
      false,
    ],
    [
      'string operator exclusions let numbers through',
      { data: { id: [{ 'anything-but': { prefix: '1' } }] } },
      true,
    ],
  ]);
});

describe('numeric', () => {
  expectCases([
    ['= equal', { data: { amount: [{ numeric: ['=', 12.5] }] } }, true],
    ['= different', { data: { amount: [{ numeric: ['=', 12] }] } }, false],
    ['> below', { data: { amount: [{ numeric: ['>', 12] }] } }, true],
    ['> at the bound', { data: { amount: [{ numeric: ['>', 12.5] }] } }, false],
    ['>= at the bound', { data: { amount: [{ numeric: ['>=', 12.5] }] } }, true],
    ['>= above the value', { data: { amount: [{ numeric: ['>=', 13] }] } }, false],
    ['< at the bound', { data: { amount: [{ numeric: ['<', 12.5] }] } }, false],
    ['< above', { data: { amount: [{ numeric: ['<', 100] }] } }, true],
    ['<= at the bound', { data: { amount: [{ numeric: ['<=', 12.5] }] } }, true],
    ['<= below the value', { data: { amount: [{ numeric: ['<=', -1] }] } }, false],
    ['range, inside', { data: { amount: [{ numeric: ['>', 0, '<=', 12.5] }] } }, true],
    ['range, at the open top', { data: { amount: [{ numeric: ['>', 0, '<', 12.5] }] } }, false],
    ['range, at the closed bottom', { data: { amount: [{ numeric: ['>=', 12.5, '<', 20] }] } }, true],
    ['range, below', { data: { amount: [{ numeric: ['>', 20, '<', 30] }] } }, false],
    ['numbers in strings are not numbers', { data: { total: [{ numeric: ['>', 0] }] } }, false],
    ['booleans are not numbers', { data: { paid: [{ numeric: ['>', 0] }] } }, false],
    ['objects in an array', { data: { items: { qty: [{ numeric: ['>', 1] }] } } }, true],
    ['objects in an array, none in range', { data: { items: { qty: [{ numeric: ['>', 5] }] } } }, false],
  ]);

  // event-ruler ComparableNumber.java: numbers compare as exact decimals with at most six decimals; a value
  // with more is not comparable at all, so no numeric comparison matches it, however small it is.
  it('compares exact decimals to six places, and never matches a value with more decimals', () => {
    expect(compileFilter({ n: [{ numeric: ['=', 0.3] }] }).matches({ n: 0.30000000000000004 })).toBe(false);
    expect(compileFilter({ n: [{ numeric: ['=', 300] }] }).matches({ n: 3e2 })).toBe(true);
    expect(compileFilter({ n: [{ numeric: ['<', 0] }] }).matches({ n: -1e-6 })).toBe(true);
    expect(compileFilter({ n: [{ numeric: ['<', 0] }] }).matches({ n: -1e-7 })).toBe(false);
  });
});

describe('cidr', () => {
  expectCases([
    ['IPv4 inside the block', { data: { ip: [{ cidr: '10.0.0.0/24' }] } }, true],
    ['IPv4 outside the block', { data: { ip: [{ cidr: '10.0.1.0/24' }] } }, false],
    ['IPv6 inside the block', { data: { ipv6: [{ cidr: '2001:db8::/32' }] } }, true],
    ['IPv6 outside the block', { data: { ipv6: [{ cidr: '2001:db9::/32' }] } }, false],
    ['not an IP address', { type: [{ cidr: '10.0.0.0/8' }] }, false],
  ]);
});
