import { describe, expect, it } from 'vitest';
import { SMOKE_EXIT } from '../../../functions/smoke/constants.ts';
import {
  allPathsHeard,
  exitCodeOf,
  judgePath,
  type SmokeReport,
} from '../../../functions/smoke/decideSmoke.ts';
import type { CanaryDelivery } from '../../../functions/smoke/ports.ts';

const delivery = (over: Partial<CanaryDelivery> = {}): CanaryDelivery => ({
  path: 'pooled',
  receivedAt: 1_500,
  signatureValid: true,
  webhookId: 'msg_1',
  reason: null,
  ...over,
});

describe('judgePath', () => {
  it('verifies a path whose requests all carried valid signatures; latency from the first one', () => {
    const result = judgePath(
      'pooled',
      [delivery({ receivedAt: 1_900 }), delivery(), delivery({ path: 'dedicated' })],
      1_000,
    );
    expect(result).toEqual({
      path: 'pooled',
      delivered: true,
      signatureValid: true,
      latencyMs: 500,
      requests: 2,
      problem: null,
      verified: true,
    });
  });

  it('fails a path where nothing arrived', () => {
    expect(judgePath('dedicated', [delivery()], 1_000)).toMatchObject({
      delivered: false,
      signatureValid: null,
      latencyMs: null,
      verified: false,
      problem: 'nothing received before the deadline',
    });
  });

  it('fails a path when any request was refused, even if a later one verified (DLQ re-sign)', () => {
    const result = judgePath(
      'dedicated',
      [
        delivery({
          path: 'dedicated',
          receivedAt: 1_200,
          signatureValid: false,
          reason: 'No matching signature found',
        }),
        delivery({ path: 'dedicated', receivedAt: 9_000 }),
      ],
      1_000,
    );
    expect(result).toMatchObject({
      delivered: true,
      signatureValid: false,
      latencyMs: 200,
      requests: 2,
      verified: false,
    });
    expect(result.problem).toContain('No matching signature found');
  });

  it('fails a path with a setup problem whatever arrived', () => {
    const result = judgePath('dedicated', [delivery({ path: 'dedicated' })], 1_000, 'fell back to pooled');
    expect(result).toMatchObject({ delivered: true, verified: false, problem: 'fell back to pooled' });
  });
});

describe('allPathsHeard', () => {
  it('waits until every path has at least one request', () => {
    expect(allPathsHeard(['pooled', 'dedicated'], [delivery()])).toBe(false);
    expect(
      allPathsHeard(
        ['pooled', 'dedicated'],
        [delivery(), delivery({ path: 'dedicated', signatureValid: false })],
      ),
    ).toBe(true);
  });
});

describe('exitCodeOf', () => {
  const verified = judgePath('pooled', [delivery()], 1_000);
  const report = (over: Partial<SmokeReport>): SmokeReport => ({
    runId: 'r',
    stack: 's',
    results: [verified],
    error: null,
    cleanupErrors: [],
    ...over,
  });

  it('is 0 only when every path verified, the run finished and cleanup succeeded', () => {
    expect(exitCodeOf(report({}))).toBe(SMOKE_EXIT.verified);
    expect(exitCodeOf(report({ results: [verified, judgePath('dedicated', [], 1_000)] }))).toBe(
      SMOKE_EXIT.failed,
    );
    expect(exitCodeOf(report({ error: 'create the canary tenant: 500' }))).toBe(SMOKE_EXIT.failed);
    expect(exitCodeOf(report({ cleanupErrors: ['delete the pooled endpoint: 500'] }))).toBe(
      SMOKE_EXIT.failed,
    );
    expect(exitCodeOf(report({ results: [] }))).toBe(SMOKE_EXIT.failed);
  });
});
