import { describe, expect, it } from 'vitest';
import { compileError } from './compileError.ts';

type Case = readonly [name: string, pattern: unknown, path: string, fragments: readonly string[]];

function expectRejections(cases: readonly Case[]) {
  it.each(cases)('%s', (_name, pattern, path, fragments) => {
    const error = compileError(pattern);
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });
}

describe('filter shape', () => {
  expectRejections([
    ['a string', 'orders.created', 'filter', ['must be a JSON object', 'got "orders.created" (a string)']],
    ['an array', [{ type: ['a'] }], 'filter', ['must be a JSON object', '(an array)']],
    ['null', null, 'filter', ['must be a JSON object', 'got null (null)']],
    ['a class instance', new Date(0), 'filter', ['must be a JSON object']],
    ['an empty object', {}, 'filter', ['at least one field', 'leave the filter out']],
    ['an empty nested object', { data: {} }, 'filter.data', ['empty objects are not allowed']],
    [
      'a bare string leaf',
      { type: 'orders.created' },
      'filter.type',
      ['expected an array', 'write ["orders.created"]'],
    ],
    [
      'a bare number leaf',
      { data: { id: 5 } },
      'filter.data.id',
      ['expected an array', 'got 5 (a number)', '[5]'],
    ],
    [
      'an operator used as a nested object',
      { type: { prefix: 'orders.' } },
      'filter.type.prefix',
      ['put it in the field\'s array: [{"prefix": "orders."}]'],
    ],
    ['a missing leaf value', { type: undefined }, 'filter.type', ['got nothing']],
    ['an empty array', { type: [] }, 'filter.type', ['empty arrays are not allowed']],
    [
      'an array in an array',
      { type: [['a']] },
      'filter.type',
      ['must be a string, number, boolean, null', 'got ["a"] (an array)'],
    ],
    ['a non-finite number', { n: [Number.NaN] }, 'filter.n', ['NaN (not a JSON number)']],
    [
      'a non-ASCII key is quoted in the path',
      { data: { 'detail-type': 5 } },
      'filter.data["detail-type"]',
      [],
    ],
    [
      'the offending entry is indexed',
      { type: ['a', { numeric: 5 }] },
      'filter.type[1]',
      ['numeric expects'],
    ],
  ]);
});

describe('operator objects', () => {
  expectRejections([
    ['no key', { type: [{}] }, 'filter.type', ['exactly one key', 'got {} (an object)']],
    [
      'two keys',
      { type: [{ prefix: 'a', suffix: 'b' }] },
      'filter.type',
      ['exactly one key', '"prefix":"a"'],
    ],
    [
      'unknown',
      { type: [{ startsWith: 'a' }] },
      'filter.type',
      ['unknown operator "startsWith"', '"anything-but"'],
    ],
    ['misspelt', { type: [{ Anything_But: 'a' }] }, 'filter.type', ['did you mean "anything-but"?']],
    [
      'prefix not a string',
      { type: [{ prefix: 5 }] },
      'filter.type',
      ['prefix expects a string or {"equals-ignore-case"'],
    ],
    [
      'prefix with another option',
      { type: [{ prefix: { wildcard: 'a*' } }] },
      'filter.type',
      ['prefix expects'],
    ],
    [
      'prefix ignoring case of a number',
      { type: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'filter.type',
      ['prefix expects'],
    ],
    [
      'suffix given a list',
      { type: [{ suffix: ['a'] }] },
      'filter.type',
      ['suffix expects', '["a"] (an array)'],
    ],
    [
      'equals-ignore-case not a string',
      { type: [{ 'equals-ignore-case': 1 }] },
      'filter.type',
      ['got 1 (a number)'],
    ],
    [
      'exists as a string',
      { type: [{ exists: 'true' }] },
      'filter.type',
      ['exists expects true or false, got "true"'],
    ],
    [
      'cidr without a prefix length',
      { ip: [{ cidr: '10.0.0.0' }] },
      'filter.ip',
      ['cidr expects an IPv4 or IPv6 block'],
    ],
    ['cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'filter.ip', ['got "10.0.0.0/33"']],
    ['cidr IPv6 prefix too long', { ip: [{ cidr: '2001:db8::/129' }] }, 'filter.ip', ['cidr expects']],
    ['cidr not an address', { ip: [{ cidr: 'intranet/8' }] }, 'filter.ip', ['cidr expects']],
    ['cidr not a string', { ip: [{ cidr: 10 }] }, 'filter.ip', ['cidr expects']],
  ]);
});

describe('wildcard', () => {
  expectRejections([
    [
      'consecutive *',
      { type: [{ wildcard: 'a**b' }] },
      'filter.type',
      ['wildcard "a**b"', 'consecutive "*" at position 1'],
    ],
    [
      'escape of another character',
      { type: [{ wildcard: 'a\\b' }] },
      'filter.type',
      ['backslash at position 1'],
    ],
    ['trailing backslash', { type: [{ wildcard: 'ab\\' }] }, 'filter.type', ['backslash at position 2']],
    ['not a string', { type: [{ wildcard: 5 }] }, 'filter.type', ['wildcard expects a string, got 5']],
  ]);
});

describe('numeric', () => {
  const example = 'numeric expects an array like [">", 0, "<=", 5]';
  expectRejections([
    [
      'not an array',
      { data: { total: [{ numeric: 'x' }] } },
      'filter.data.total',
      [`${example}`, 'got "x" (a string)'],
    ],
    ['empty', { n: [{ numeric: [] }] }, 'filter.n', [example]],
    ['operator alone', { n: [{ numeric: ['>'] }] }, 'filter.n', [example]],
    ['three entries', { n: [{ numeric: ['=', 1, 2] }] }, 'filter.n', [example]],
    [
      'unknown operator',
      { n: [{ numeric: ['!=', 5] }] },
      'filter.n',
      ['numeric operators are', 'got "!=" (a string)'],
    ],
    [
      'quoted number',
      { n: [{ numeric: ['>', '5'] }] },
      'filter.n',
      ['expects a number', 'write 5 without quotes'],
    ],
    [
      'range starting with <',
      { n: [{ numeric: ['<', 5, '>', 0] }] },
      'filter.n',
      ['must start with ">" or ">="'],
    ],
    [
      'range starting with =',
      { n: [{ numeric: ['=', 3, '<', 5] }] },
      'filter.n',
      ['must start with ">" or ">="'],
    ],
    [
      'range ending with >',
      { n: [{ numeric: ['>', 0, '>', 5] }] },
      'filter.n',
      ['must end with "<" or "<="'],
    ],
    [
      'empty range',
      { n: [{ numeric: ['>', 5, '<', 5] }] },
      'filter.n',
      ['lower bound 5 must be less than the upper bound 5'],
    ],
    [
      'bound too large',
      { n: [{ numeric: ['>', 1e10] }] },
      'filter.n',
      ['between -5000000000 and 5000000000'],
    ],
    [
      'too many decimals',
      { n: [{ numeric: ['=', 0.1234567] }] },
      'filter.n',
      ['at most 6 digits after the decimal'],
    ],
    ['tiny number', { n: [{ numeric: ['>', 1e-7] }] }, 'filter.n', ['at most 6 digits']],
  ]);
});

describe('anything-but', () => {
  expectRejections([
    ['null', { t: [{ 'anything-but': null }] }, 'filter.t', ['anything-but expects', 'got null']],
    ['boolean', { t: [{ 'anything-but': true }] }, 'filter.t', ['anything-but expects']],
    ['empty list', { t: [{ 'anything-but': [] }] }, 'filter.t', ['at least one value to exclude']],
    [
      'mixed list',
      { t: [{ 'anything-but': ['a', 1] }] },
      'filter.t',
      ['cannot mix strings and numbers', 'entry 1 is 1'],
    ],
    [
      'list with a boolean',
      { t: [{ 'anything-but': [true] }] },
      'filter.t',
      ['only strings or only numbers'],
    ],
    ['number out of range', { t: [{ 'anything-but': 6e9 }] }, 'filter.t', ['between -5000000000']],
    [
      'numeric inside',
      { t: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'filter.t',
      ['anything-but expects'],
    ],
    [
      'two inner keys',
      { t: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'filter.t',
      ['anything-but expects'],
    ],
    ['empty prefix', { t: [{ 'anything-but': { prefix: '' } }] }, 'filter.t', ['cannot be an empty string']],
    [
      'empty suffix in a list',
      { t: [{ 'anything-but': { suffix: ['a', ''] } }] },
      'filter.t',
      ['cannot be an empty'],
    ],
    [
      'prefix not a string',
      { t: [{ 'anything-but': { prefix: 5 } }] },
      'filter.t',
      ['non-empty list of strings'],
    ],
    [
      'prefix empty list',
      { t: [{ 'anything-but': { prefix: [] } }] },
      'filter.t',
      ['non-empty list of strings'],
    ],
    [
      'bad wildcard',
      { t: [{ 'anything-but': { wildcard: 'a**' } }] },
      'filter.t',
      ['anything-but wildcard "a**" has consecutive "*"'],
    ],
  ]);
});

describe('$or', () => {
  expectRejections([
    ['not an array', { $or: { type: ['a'] } }, 'filter.$or', ['at least two patterns', '(an object)']],
    ['one branch', { $or: [{ type: ['a'] }] }, 'filter.$or', ['at least two patterns']],
    ['branch not an object', { $or: [{ type: ['a'] }, 'b'] }, 'filter.$or[1]', ['must be a pattern object']],
    [
      'empty branch',
      { data: { $or: [{ id: [1] }, {}] } },
      'filter.data.$or[1]',
      ['empty objects are not allowed'],
    ],
    [
      'operator as a field name in a branch',
      { $or: [{ prefix: ['a'] }, { type: ['b'] }] },
      'filter.$or[0].prefix',
      ['"prefix" is an operator, not a field name'],
    ],
    [
      'invalid condition in a branch',
      { $or: [{ a: ['x'] }, { b: [{ numeric: 1 }] }] },
      'filter.$or[1].b',
      ['numeric'],
    ],
  ]);
});
