import { describe, expect, it } from 'vitest';
import { RowhookError } from '../../../functions/core/errors/RowhookError.ts';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { FILTER_LIMITS } from '../../../functions/core/filter/constants.ts';
import { FilterError, InvalidFilterError } from '../../../functions/core/filter/errors.ts';
import { compileError } from './compileError.ts';

function nested(levels: number): Record<string, unknown> {
  let pattern: Record<string, unknown> = { leaf: ['x'] };
  for (let level = 1; level < levels; level++) pattern = { n: pattern };
  return pattern;
}

describe('limits', () => {
  it(`accepts ${FILTER_LIMITS.maxDepth} levels of objects and refuses one more`, () => {
    expect(compileFilter(nested(FILTER_LIMITS.maxDepth)).matches({})).toBe(false);
    const error = compileError(nested(FILTER_LIMITS.maxDepth + 1));
    expect(error.message).toContain(`more than ${FILTER_LIMITS.maxDepth} levels deep`);
    expect(error.path.split('.')).toHaveLength(FILTER_LIMITS.maxDepth + 1);
  });

  it('counts $or branches as a level', () => {
    const branches = [nested(FILTER_LIMITS.maxDepth), { other: ['y'] }];
    expect(compileError({ $or: branches }).message).toContain('levels deep');
  });

  it(`accepts ${FILTER_LIMITS.maxConditions} values and refuses one more`, () => {
    const values = (count: number) => Array.from({ length: count }, (_, i) => i);
    expect(compileFilter({ id: values(FILTER_LIMITS.maxConditions) }).matches({ id: 7 })).toBe(true);
    const error = compileError({ id: values(FILTER_LIMITS.maxConditions + 1) });
    expect(error.path).toBe(`filter.id[${FILTER_LIMITS.maxConditions}]`);
    expect(error.message).toContain(`more than ${FILTER_LIMITS.maxConditions} values and conditions`);
  });

  it('counts every excluded value of anything-but', () => {
    const excluded = Array.from({ length: FILTER_LIMITS.maxConditions + 1 }, (_, i) => `v${i}`);
    expect(compileError({ t: [{ 'anything-but': excluded }] }).message).toContain('values and conditions');
    expect(compileError({ t: [{ 'anything-but': { prefix: excluded } }] }).message).toContain(
      'values and conditions',
    );
  });

  it('refuses a filter longer than the JSON size limit', () => {
    const error = compileError({ type: ['x'.repeat(FILTER_LIMITS.maxJsonLength)] });
    expect(error.path).toBe('filter');
    expect(error.message).toContain(`the limit is ${FILTER_LIMITS.maxJsonLength}`);
  });

  it.each([
    [
      'a cycle',
      (() => {
        const pattern: Record<string, unknown> = { type: ['a'] };
        pattern.self = pattern;
        return pattern;
      })(),
    ],
    ['a BigInt', { id: [1n] }],
  ])('refuses a filter that is not JSON: %s', (_name, pattern) => {
    const error = compileError(pattern);
    expect(error.message).toContain('must be plain JSON');
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe('InvalidFilterError', () => {
  it('is a non-retryable RowhookError of the filter area with a stable code', () => {
    const error = compileError({ data: { total: [{ numeric: 'x' }] } });
    expect(error).toBeInstanceOf(InvalidFilterError);
    expect(error).toBeInstanceOf(FilterError);
    expect(error).toBeInstanceOf(RowhookError);
    expect(error.name).toBe('InvalidFilterError');
    expect(error.code).toBe('invalid_filter');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'filter.data.total: numeric expects an array like [">", 0, "<=", 5] or ["=", 3], got "x" (a string)',
    );
  });
});

describe('compiled filters', () => {
  it('are reusable and unaffected by later changes to the pattern object', () => {
    const pattern = { type: ['orders.created'] };
    const filter = compileFilter(pattern);
    pattern.type[0] = 'orders.deleted';
    expect(filter.matches({ type: 'orders.created' })).toBe(true);
    expect(filter.matches({ type: 'orders.deleted' })).toBe(false);
    expect(Object.isFrozen(filter)).toBe(true);
  });
});

describe('pathological filters', () => {
  it('reports a filter nested far too deep as a depth problem, not a JSON one', () => {
    let deep: Record<string, unknown> = { a: ['x'] };
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(() => compileFilter(deep)).toThrow(/nests objects more than \d+ levels deep/);
  });

  it('refuses lone surrogates with a message about text, not the database', () => {
    expect(() => compileFilter({ data: { name: ['\uD800'] } })).toThrow(/lone UTF-16 surrogate/);
    expect(compileFilter({ data: { name: ['😀'] } }).matches({ data: { name: '😀' } })).toBe(true);
    // The six characters backslash-u-d-8-0-0 are ordinary text.
    expect(compileFilter({ data: { name: ['\\ud800'] } }).matches({ data: { name: '\\ud800' } })).toBe(true);
  });
});
