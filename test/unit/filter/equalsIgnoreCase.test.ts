import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';

// event-ruler input/EqualsIgnoreCaseParser.java: each UTF-16 unit c of the pattern matches
// String.valueOf(c).toLowerCase(Locale.ROOT) or .toUpperCase(Locale.ROOT), compared as UTF-8 bytes; the event
// value itself is never case-mapped. A lone surrogate encodes to UTF-8 as "?".
function matches(pattern: string, value: string): boolean {
  return compileFilter({ v: [{ 'equals-ignore-case': pattern }] }).matches({ v: value });
}

describe('equals-ignore-case', () => {
  it.each([
    ['ASCII letters', 'Orders', 'oRDERS', true],
    ['German ß also matches its upper case SS', 'straße', 'STRASSE', true],
    ['German ß does not match ss', 'straße', 'strasse', false],
    ['SS in the pattern does not match ß', 'STRASSE', 'straße', false],
    ['dotted capital İ matches its lower case i + combining dot', 'İ', 'i\u0307', true],
    ['dotted capital İ does not match i', 'İ', 'i', false],
    ['dotless ı matches I', 'ı', 'I', true],
    ['dotless ı does not match i', 'ı', 'i', false],
    ['I does not match dotless ı', 'I', 'ı', false],
    ['final sigma ς matches Σ', 'οδος', 'ΟΔΟΣ', true],
    ['Σ does not match final sigma ς', 'ΟΔΟΣ', 'οδος', false],
    ['σ does not match ς', 'σ', 'ς', false],
    ['the Kelvin sign matches k', '\u212a', 'k', true],
    ['k does not match the Kelvin sign', 'k', '\u212a', false],
    ['ǅ (title case) matches its lower case ǆ', 'ǅ', 'ǆ', true],
    ['an emoji in the pattern does not match itself', '😀', '😀', false],
    ['an emoji in the pattern matches two question marks', '😀', '??', true],
    ['a different length never matches', 'abc', 'abcd', false],
  ])('%s', (_name, pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it('applies the same folding to prefix, suffix and anything-but', () => {
    const prefix = compileFilter({ v: [{ prefix: { 'equals-ignore-case': 'straße' } }] });
    expect(prefix.matches({ v: 'STRASSE-1' })).toBe(true);
    expect(prefix.matches({ v: 'strasse-1' })).toBe(false);
    const suffix = compileFilter({ v: [{ suffix: { 'equals-ignore-case': 'ß' } }] });
    expect(suffix.matches({ v: 'GROSS' })).toBe(true);
    expect(suffix.matches({ v: 'gross' })).toBe(false);
    const anythingBut = compileFilter({ v: [{ 'anything-but': { 'equals-ignore-case': 'ı' } }] });
    expect(anythingBut.matches({ v: 'I' })).toBe(false);
    expect(anythingBut.matches({ v: 'i' })).toBe(true);
  });
});
