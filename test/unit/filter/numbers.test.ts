import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { compileError } from './compileError.ts';

// event-ruler ComparableNumber.java and JsonRuleCompiler.java: a number literal adds an exact-text pattern and,
// when the number is comparable (at most 6 decimals, within ±5e9), a numeric-equals pattern; events keep the
// text of their numbers (Event.java reads the token's text), so bodies are matched from their JSON text.
describe('numbers in event bodies', () => {
  it('tells apart large integers that JSON.parse rounds to the same double', () => {
    expect(JSON.parse('12345678901234567891')).toBe(JSON.parse('12345678901234567890'));
    const filter = compileFilter({ id: [123456789012] });
    expect(filter.matchesJson('{"id": 123456789012}')).toBe(true);
    const big = compileFilter({ id: [2 ** 60] });
    expect(big.matchesJson(`{"id": ${2n ** 60n}}`)).toBe(true);
    expect(big.matchesJson(`{"id": ${2n ** 60n + 1n}}`)).toBe(false);
    expect(big.matches({ id: Number(2n ** 60n + 1n) })).toBe(true);
  });

  it('matches a comparable number however it is written', () => {
    const filter = compileFilter({ n: [5] });
    for (const text of ['5', '5.0', '5e0', '0.5E1', '5.000000000']) {
      expect(filter.matchesJson(`{"n": ${text}}`)).toBe(true);
    }
    expect(filter.matchesJson('{"n": 5.0000001}')).toBe(false);
  });

  it('matches a number outside the comparable range only by identical text', () => {
    const filter = compileFilter({ n: [6e9] });
    expect(filter.matchesJson('{"n": 6000000000}')).toBe(true);
    expect(filter.matchesJson('{"n": 6000000000.0}')).toBe(false);
    expect(filter.matchesJson('{"n": 6e9}')).toBe(false);
  });

  it('never matches a numeric comparison against a number that is not comparable', () => {
    const positive = compileFilter({ n: [{ numeric: ['>', 0] }] });
    expect(positive.matchesJson('{"n": 0.000001}')).toBe(true);
    expect(positive.matchesJson('{"n": 0.0000001}')).toBe(false);
    expect(positive.matchesJson('{"n": 0.10000000}')).toBe(true);
    expect(positive.matchesJson('{"n": 5000000000}')).toBe(true);
    expect(positive.matchesJson('{"n": 5000000001}')).toBe(false);
    expect(positive.matchesJson('{"n": 1e400}')).toBe(false);
  });

  it('compares numeric bounds exactly where doubles would round', () => {
    const filter = compileFilter({ n: [{ numeric: ['>', 4999999999.999999] }] });
    expect(filter.matchesJson('{"n": 5000000000}')).toBe(true);
    expect(filter.matchesJson('{"n": 4999999999.999999}')).toBe(false);
    expect(filter.matchesJson('{"n": 4999999999.9999990}')).toBe(false);
  });

  it('excludes numbers in anything-but by comparable value, never one that is not comparable', () => {
    const filter = compileFilter({ n: [{ 'anything-but': [5, 6] }] });
    expect(filter.matchesJson('{"n": 5.0}')).toBe(false);
    expect(filter.matchesJson('{"n": 6e0}')).toBe(false);
    expect(filter.matchesJson('{"n": 5.0000001}')).toBe(true);
    expect(filter.matchesJson('{"n": "5"}')).toBe(true);
  });

  it('accepts trailing zeros past six decimals in a bound, as BigDecimal strips them', () => {
    expect(compileFilter({ n: [{ numeric: ['=', 1.5] }] }).matchesJson('{"n": 1.500000000000}')).toBe(true);
    expect(compileError({ n: [{ numeric: ['=', 1.0000001] }] }).message).toContain('at most 6 digits');
  });
});
