import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../functions/core/retry/parseRetryAfter.ts';

const now = new Date('2015-10-21T07:28:00.000Z');

describe('parseRetryAfter', () => {
  it.each([
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['delta-seconds', '120', 120_000],
    ['zero', '0', 0],
    ['surrounding whitespace', ' 30 ', 30_000],
    ['fractional seconds', '1.5', 1_500],
    ['negative seconds', '-30', 0],
    ['huge seconds', '9'.repeat(400), Number.MAX_SAFE_INTEGER],
    ['IMF-fixdate in the future', 'Wed, 21 Oct 2015 07:30:30 GMT', 150_000],
    ['IMF-fixdate now', 'Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['IMF-fixdate in the past', 'Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['IMF-fixdate, lower case', 'wed, 21 oct 2015 08:28:00 gmt', 3_600_000],
    ['obsolete RFC 850 date', 'Wednesday, 21-Oct-15 07:29:00 GMT', 60_000],
    ['obsolete asctime date', 'Wed Oct 21 07:28:10 2015', 10_000],
    ['asctime with single-digit day', 'Thu Nov  5 07:28:00 2015', 15 * 86_400_000],
    ['unit suffix', '120s', undefined],
    ['garbage', 'soon', undefined],
    ['loose date Date.parse would accept', 'foo 1', undefined],
    ['ISO date', '2015-10-21T08:00:00Z', undefined],
    ['non-GMT zone', 'Wed, 21 Oct 2015 07:30:00 +0100', undefined],
    ['impossible day', 'Sat, 31 Feb 2015 07:28:00 GMT', undefined],
    ['impossible hour', 'Wed, 21 Oct 2015 25:00:00 GMT', undefined],
  ])('%s: %j', (_name, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('reads a two-digit RFC 850 year that looks more than 50 years ahead as the previous century', () => {
    const in2030 = new Date('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Thursday, 01-Jan-81 00:00:00 GMT', in2030)).toBe(0);
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:10 GMT', in2030)).toBe(10_000);
  });
});
