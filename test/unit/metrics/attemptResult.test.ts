import { describe, expect, it } from 'vitest';
import { attemptResult } from '../../../functions/core/metrics/attemptResult.ts';

describe('attemptResult', () => {
  it('labels answered attempts by status class', () => {
    expect(attemptResult(200, null)).toBe('2xx');
    expect(attemptResult(302, 'http')).toBe('3xx');
    expect(attemptResult(429, 'http')).toBe('4xx');
    expect(attemptResult(503, 'http')).toBe('5xx');
  });

  it('labels failed attempts by their error class, keeping the label set bounded', () => {
    expect(attemptResult(null, 'timeout')).toBe('timeout');
    expect(attemptResult(null, 'connect')).toBe('connect');
    expect(attemptResult(null, 'blocked')).toBe('blocked');
    expect(attemptResult(null, 'something new')).toBe('other');
    expect(attemptResult(999, 'other')).toBe('other');
    expect(attemptResult(null, null)).toBe('other');
  });
});
