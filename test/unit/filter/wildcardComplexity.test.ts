import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { FILTER_LIMITS } from '../../../functions/core/filter/constants.ts';
import { InvalidFilterError } from '../../../functions/core/filter/errors.ts';
import { compileError } from './compileError.ts';

// EventBridge user guide, "Wildcards and event pattern complexity": a rule that is too complex is refused with
// InvalidEventPatternException ("Rule is too complex - try using fewer wildcard characters or fewer repeating
// character sequences after a wildcard character"). The score is event-ruler's MachineComplexityEvaluator: the
// most wildcard-pattern prefixes of one field's byte machine that one value keeps alive at once.
const stacks = (count: number) => ({
  'stack-id': Array.from({ length: count }, (_, i) => ({ wildcard: `*:stack/Stack${i}/*` })),
});

describe('wildcard complexity', () => {
  it('accepts "*a*a*a*", which MachineComplexityEvaluatorTest scores 7', () => {
    expect(compileFilter({ v: [{ wildcard: '*a*a*a*' }] }).matches({ v: 'xaya' })).toBe(false);
  });

  it(`refuses a pattern scoring more than ${FILTER_LIMITS.maxWildcardComplexity}, with EventBridge's advice`, () => {
    const error = compileError({ v: [{ wildcard: '*a*a*a*a*a*' }] });
    expect(error).toBeInstanceOf(InvalidFilterError);
    expect(error.path).toBe('filter');
    expect(error.message).toContain('"v" are too complex');
    expect(error.message).toContain('fewer wildcard characters or fewer repeating character sequences');
  });

  it('accepts three "*:stack/NAME/*" patterns on one field and refuses four, as EventBridge did', () => {
    expect(compileFilter(stacks(3)).matches({ 'stack-id': 'arn:aws:cloudformation:x:stack/Stack2/id' })).toBe(
      true,
    );
    expect(compileError(stacks(4)).message).toContain('too complex');
  });

  it('adds up the patterns that share a field machine, including anything-but wildcards', () => {
    // "aaa" keeps all 7 prefixes of "*a*a*a*" and all 5 of "*a*a*" alive: 12.
    expect(compileFilter({ v: [{ wildcard: '*b*b*' }] }).matches({ v: 'abba' })).toBe(true);
    expect(compileError({ v: [{ wildcard: '*a*a*a*' }, { wildcard: '*a*a*' }] }).message).toContain(
      'too complex',
    );
    expect(compileError({ v: [{ 'anything-but': { wildcard: ['*a*a*a*', '*a*a*'] } }] }).message).toContain(
      'too complex',
    );
  });

  it('scores separately the machines reached through different values of an earlier field', () => {
    const separate = {
      $or: [
        { a: ['x'], v: [{ wildcard: '*a*a*a*' }] },
        { a: ['y'], v: [{ wildcard: '*b*b*b*' }] },
      ],
    };
    expect(compileFilter(separate).matches({ a: 'y', v: 'bbb' })).toBe(true);
    const shared = { $or: [{ v: [{ wildcard: '*a*a*a*' }] }, { v: [{ wildcard: '*b*b*b*' }] }] };
    expect(compileError(shared).message).toContain('too complex');
  });
});
