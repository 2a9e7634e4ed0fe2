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

describe('exact values', () => {
  expectCases([
    ['string equal', { type: ['orders.created'] }, true],
    ['string different', { type: ['orders.deleted'] }, false],
    ['string compared case-sensitively', { type: ['Orders.Created'] }, false],
    ['any value of the array (OR)', { type: ['orders.deleted', 'orders.created'] }, true],
    ['number equal', { data: { id: [1] } }, true],
    ['number different', { data: { id: [2] } }, false],
    ['number never equals its string form', { data: { id: ['1'] } }, false],
    ['string never equals its number form', { data: { total: [12.5] } }, false],
    ['number written with an exponent', { data: { amount: [1.25e1] } }, true],
    ['true', { data: { paid: [true] } }, true],
    ['false against true', { data: { paid: [false] } }, false],
    ['boolean never equals its string form', { data: { paid: ['true'] } }, false],
    ['null against a null field', { data: { customer: { note: [null] } } }, true],
    ['null against a string field', { data: { customer: { country: [null] } } }, false],
    ['null against a missing field', { data: { missing: [null] } }, false],
    ['empty string', { data: { blank: [''] } }, true],
    ['empty string against a non-empty string', { type: [''] }, false],
  ]);
});

describe('fields and nesting', () => {
  expectCases([
    ['nested field', { data: { customer: { country: ['NZ'] } } }, true],
    ['nested field with another value', { data: { customer: { country: ['AU'] } } }, false],
    ['all fields must match (AND), all do', { type: ['orders.created'], data: { id: [1] } }, true],
    ['all fields must match (AND), one does not', { type: ['orders.created'], data: { id: [2] } }, false],
    ['field missing from the event', { data: { missing: ['x'] } }, false],
    ['nested pattern under a scalar field', { type: { sub: ['x'] } }, false],
    ['object field compared to a value', { data: { customer: ['NZ'] } }, false],
    ['prototype members are not fields', { constructor: [{ exists: true }] }, false],
    [
      'several conditions of different kinds are ORed',
      { type: [{ prefix: 'users.' }, 'orders.created'] },
      true,
    ],
  ]);
});

describe('arrays in the event', () => {
  expectCases([
    ['any element equal', { data: { tags: ['vip'] } }, true],
    ['no element equal', { data: { tags: ['gold'] } }, false],
    ['pattern and event arrays intersect', { data: { tags: ['gold', 'a'] } }, true],
    ['operator applied to each element', { data: { tags: [{ prefix: 'v' }] } }, true],
    ['numeric applied to each element', { data: { scores: [{ numeric: ['>', 10] }] } }, true],
    ['field of objects in an array', { data: { items: { sku: ['B-2'] } } }, true],
    ['field of objects in an array, no element has it', { data: { items: { sku: ['C-3'] } } }, false],
    ['fields satisfied by the same element', { data: { items: { sku: ['A-1'], qty: [2] } } }, true],
    ['fields satisfied only by different elements', { data: { items: { sku: ['A-1'], qty: [1] } } }, false],
  ]);

  it('looks through arrays nested in arrays', () => {
    const filter = compileFilter({ groups: { name: ['b'] } });
    expect(filter.matches({ groups: [[{ name: 'a' }], [{ name: 'b' }]] })).toBe(true);
    expect(filter.matches({ groups: [[{ name: 'a' }], [{ name: 'c' }]] })).toBe(false);
  });
});

describe('exists', () => {
  expectCases([
    ['true, field present', { data: { customer: { email: [{ exists: true }] } } }, true],
    ['true, field missing', { data: { customer: { phone: [{ exists: true }] } } }, false],
    ['true, field is null (null is a value)', { data: { customer: { note: [{ exists: true }] } } }, true],
    ['true, field holds an object (not a leaf)', { data: { customer: [{ exists: true }] } }, false],
    ['true, field is an empty array', { data: { emptyList: [{ exists: true }] } }, false],
    ['false, field missing', { data: { customer: { phone: [{ exists: false }] } } }, true],
    ['false, field present', { data: { customer: { email: [{ exists: false }] } } }, false],
    ['false, field is null', { data: { customer: { note: [{ exists: false }] } } }, false],
    ['false, field holds an object', { data: { customer: [{ exists: false }] } }, true],
    ['false, field is an empty array', { data: { emptyList: [{ exists: false }] } }, true],
    ['false, under an empty array', { data: { emptyList: { sku: [{ exists: false }] } } }, true],
    ['false, whole parent object missing', { data: { shipping: { city: [{ exists: false }] } } }, true],
    ['false ORed with a value, value present', { type: ['orders.created', { exists: false }] }, true],
    ['false ORed with a value, neither', { type: ['orders.deleted', { exists: false }] }, false],
  ]);
});

describe('$or', () => {
  expectCases([
    ['top level, second branch matches', { $or: [{ type: ['x'] }, { data: { id: [1] } }] }, true],
    ['top level, no branch matches', { $or: [{ type: ['x'] }, { data: { id: [2] } }] }, false],
    ['nested level', { data: { $or: [{ id: [5] }, { customer: { country: ['NZ'] } }] } }, true],
    [
      'nested level, no branch matches',
      { data: { $or: [{ id: [5] }, { customer: { country: ['AU'] } }] } },
      false,
    ],
    [
      'ANDed with sibling fields that fail',
      { type: ['orders.deleted'], $or: [{ data: { id: [1] } }, { x: ['y'] }] },
      false,
    ],
    [
      'ANDed with sibling fields that pass',
      { type: ['orders.created'], $or: [{ data: { id: [1] } }, { x: ['y'] }] },
      true,
    ],
    [
      'branch with several fields needs all of them',
      { $or: [{ type: ['orders.created'], data: { id: [2] } }, { x: ['y'] }] },
      false,
    ],
    [
      '$or inside a $or branch',
      { $or: [{ x: ['y'] }, { $or: [{ z: ['y'] }, { data: { paid: [true] } }] }] },
      true,
    ],
    [
      '$or at two levels are both required',
      { $or: [{ type: ['orders.created'] }, { x: ['y'] }], data: { $or: [{ id: [9] }, { paid: [false] }] } },
      false,
    ],
    ['inside objects of an array', { data: { items: { $or: [{ sku: ['Z'] }, { qty: [2] }] } } }, true],
  ]);
});

describe('events that are not objects', () => {
  it.each([
    ['null', null],
    ['a string', 'orders.created'],
    ['a number', 42],
    ['an array of strings', ['orders.created']],
    ['undefined', undefined],
  ])('%s has none of the fields', (_name, event) => {
    expect(compileFilter({ type: ['orders.created'] }).matches(event)).toBe(false);
    expect(compileFilter({ type: [{ exists: false }] }).matches(event)).toBe(true);
  });
});
