import { describe, expect, it } from 'vitest';
import type { ErrorClass } from '../../../functions/core/retry/constants.ts';
import {
  type AttemptDecision,
  type AttemptOutcome,
  decideAfterAttempt,
  type ResponseHeaders,
} from '../../../functions/core/retry/decideAfterAttempt.ts';
import { defaultRetrySchedule } from '../../../functions/core/retry/defaultRetrySchedule.ts';
import { InvalidRetryInputError } from '../../../functions/core/retry/errors.ts';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';

const now = new Date('2025-01-01T00:00:00.000Z');
const S = 1_000;
const H = 3_600 * S;
// With random 0.5 the jitter factor is exactly 1, so the scheduled wait is the plain schedule entry.
const noJitter = () => 0.5;

const http = (status: number, headers?: ResponseHeaders): AttemptOutcome => ({
  kind: 'response',
  status,
  ...(headers === undefined ? {} : { headers }),
});
const transport = (errorClass: ErrorClass, detail?: string): AttemptOutcome => ({
  kind: 'error',
  errorClass,
  ...(detail === undefined ? {} : { detail }),
});

function decide(outcome: AttemptOutcome, attemptsMade = 1, random = noJitter): AttemptDecision {
  return decideAfterAttempt({ attemptsMade, outcome, schedule: defaultRetrySchedule, now, random });
}

function delayOf(decision: AttemptDecision): number {
  if (decision.kind !== 'retry') {
    throw new Error(`expected a retry, got ${JSON.stringify(decision)}`);
  }
  return decision.delayMs;
}

describe('decideAfterAttempt', () => {
  describe('2xx is delivered', () => {
    it.each([200, 201, 202, 204, 299])('HTTP %i', (status) => {
      expect(decide(http(status))).toEqual({ kind: 'delivered' });
    });

    it('even on the last allowed attempt', () => {
      expect(decide(http(200), defaultRetrySchedule.maxAttempts)).toEqual({ kind: 'delivered' });
    });
  });

  describe('410 Gone', () => {
    it.each([1, 8])('is dead and disables the endpoint after %i attempts', (attempts) => {
      const decision = decide(http(410, { 'retry-after': '5' }), attempts);
      expect(decision).toMatchObject({ kind: 'dead', disableEndpoint: true });
      expect(decision.kind === 'dead' && decision.reason).toContain('HTTP 410');
    });
  });

  describe('blocked address', () => {
    it('is dead immediately without disabling the endpoint', () => {
      const decision = decide(transport('blocked', '10.0.0.1'));
      expect(decision).toMatchObject({ kind: 'dead', disableEndpoint: false });
      expect(decision.kind === 'dead' && decision.reason).toContain('blocked error (10.0.0.1)');
    });
  });

  describe('failures are retried on the schedule', () => {
    it.each([
      // outcome, attemptsMade, expected wait, reason fragment
      [http(500), 1, 5 * S, 'HTTP 500'],
      [http(503), 2, 5 * 60 * S, 'HTTP 503'],
      [http(502), 3, 30 * 60 * S, 'HTTP 502'],
      [http(400), 4, 2 * H, 'HTTP 400'],
      [http(404), 5, 5 * H, 'HTTP 404'],
      [http(401), 6, 10 * H, 'HTTP 401'],
      [http(403), 7, 10 * H, 'HTTP 403'],
      [http(409), 1, 5 * S, 'HTTP 409'],
      [http(425), 1, 5 * S, 'HTTP 425'],
      [http(422), 1, 5 * S, 'HTTP 422'],
      [http(301), 1, 5 * S, 'HTTP 301 (redirects are not followed)'],
      [http(302), 1, 5 * S, 'HTTP 302 (redirects are not followed)'],
      [http(308), 1, 5 * S, 'HTTP 308 (redirects are not followed)'],
      [http(101), 1, 5 * S, 'HTTP 101'],
      [transport('connect', 'ECONNREFUSED'), 1, 5 * S, 'connect error (ECONNREFUSED)'],
      [transport('dns'), 1, 5 * S, 'dns error'],
      [transport('reset'), 1, 5 * S, 'reset error'],
      [transport('tls'), 1, 5 * S, 'tls error'],
      [transport('other'), 2, 5 * 60 * S, 'other error'],
    ])('%j after %i attempts waits %i ms', (outcome, attempts, expected, reason) => {
      const decision = decide(outcome, attempts);
      expect(decision).toEqual({ kind: 'retry', delayMs: expected, reason });
    });

    it.each([
      [0, 4 * S],
      [justBelow(1), 6 * S],
    ])('applies jitter to the scheduled wait (random %f → %i ms)', (random, expected) => {
      expect(delayOf(decide(http(500), 1, () => random))).toBe(expected);
    });
  });

  describe('429, 408 and timeouts wait at least 30 s', () => {
    it.each([
      [http(429), 'HTTP 429'],
      [http(408), 'HTTP 408'],
      [transport('timeout'), 'timeout error'],
    ])('%j raises the 5 s first step to 30 s', (outcome, reason) => {
      const decision = decide(outcome, 1, () => justBelow(1));
      expect(decision).toEqual({
        kind: 'retry',
        delayMs: 30 * S,
        reason: `${reason}; throttled minimum 30000 ms applied`,
      });
    });

    it('keeps a scheduled wait that is already longer', () => {
      expect(delayOf(decide(http(429), 2))).toBe(5 * 60 * S);
      expect(delayOf(decide(transport('timeout'), 3))).toBe(30 * 60 * S);
    });

    it('does not apply the floor to ordinary failures', () => {
      expect(delayOf(decide(http(503), 1))).toBe(5 * S);
    });
  });

  describe('Retry-After', () => {
    it.each([
      ['seconds on 429', http(429, { 'retry-after': '120' }), 1, 120 * S],
      ['seconds on 503', http(503, { 'retry-after': '90' }), 1, 90 * S],
      ['seconds on any failure', http(500, { 'retry-after': '60' }), 1, 60 * S],
      ['HTTP-date', http(503, { 'retry-after': 'Wed, 01 Jan 2025 01:00:00 GMT' }), 1, H],
      ['header name in any case', http(503, { 'Retry-After': '45' }), 1, 45 * S],
      ['first of repeated values', http(503, { 'retry-after': ['40', '4000'] }), 1, 40 * S],
    ])('is honoured: %s', (_name, outcome, attempts, expected) => {
      const decision = decide(outcome, attempts);
      expect(decision).toMatchObject({ kind: 'retry', delayMs: expected });
      expect(decision.kind === 'retry' && decision.reason).toContain('Retry-After honoured');
    });

    it.each([
      ['shorter than the schedule', http(503, { 'retry-after': '1' }), 2, 5 * 60 * S],
      ['shorter than the throttle floor', http(429, { 'retry-after': '10' }), 1, 30 * S],
      ['zero', http(503, { 'retry-after': '0' }), 1, 5 * S],
      ['a date in the past', http(503, { 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), 1, 5 * S],
      ['unparseable', http(503, { 'retry-after': 'later' }), 1, 5 * S],
      ['absent', http(503, {}), 1, 5 * S],
    ])('never shortens the wait: %s', (_name, outcome, attempts, expected) => {
      expect(delayOf(decide(outcome, attempts))).toBe(expected);
    });

    it.each([
      ['seconds', '604800'],
      ['HTTP-date', 'Fri, 01 Jan 2100 00:00:00 GMT'],
    ])('is capped at 24 h (%s)', (_name, value) => {
      const decision = decide(http(429, { 'retry-after': value }));
      expect(decision).toMatchObject({ kind: 'retry', delayMs: 24 * H });
      expect(decision.kind === 'retry' && decision.reason).toContain('capped at 86400000 ms');
    });
  });

  describe('exhaustion', () => {
    it('retries after attempt 7 of 8 and gives up after attempt 8', () => {
      expect(decide(http(500), 7)).toMatchObject({ kind: 'retry', delayMs: 10 * H });
      expect(decide(http(500), 8)).toEqual({
        kind: 'dead',
        reason: 'attempts exhausted after 8 attempts, last: HTTP 500',
        disableEndpoint: false,
      });
    });

    it.each([
      [http(429, { 'retry-after': '60' }), 'HTTP 429'],
      [transport('timeout', 'after 15000 ms'), 'timeout error (after 15000 ms)'],
      [http(302), 'HTTP 302 (redirects are not followed)'],
    ])('names the last failure: %j', (outcome, last) => {
      expect(decide(outcome, 8)).toMatchObject({
        kind: 'dead',
        reason: `attempts exhausted after 8 attempts, last: ${last}`,
      });
    });

    it('treats attempts beyond the schedule (e.g. after shortening it) as exhausted', () => {
      expect(decide(http(500), 12)).toMatchObject({ kind: 'dead', disableEndpoint: false });
    });

    it('follows the schedule it is given', () => {
      const schedule = parseRetrySchedule('1m');
      const input = { outcome: http(500), schedule, now, random: noJitter };
      expect(decideAfterAttempt({ ...input, attemptsMade: 1 })).toMatchObject({
        kind: 'retry',
        delayMs: 60 * S,
      });
      expect(decideAfterAttempt({ ...input, attemptsMade: 2 })).toMatchObject({ kind: 'dead' });
    });
  });

  describe('invalid input', () => {
    it.each([
      ['zero attempts', http(500), 0],
      ['fractional attempts', http(500), 1.5],
      ['status below 100', http(99), 1],
      ['status above 599', http(600), 1],
      ['fractional status', http(200.5), 1],
    ])('throws for %s', (_name, outcome, attempts) => {
      expect(() => decide(outcome, attempts)).toThrow(InvalidRetryInputError);
    });
  });
});

function justBelow(n: number): number {
  return n - Number.EPSILON;
}
