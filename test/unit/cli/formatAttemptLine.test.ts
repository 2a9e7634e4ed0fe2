import { describe, expect, it } from 'vitest';
import type { LiveAttempt } from '../../../functions/cli/apiTypes.ts';
import { formatAttemptLine } from '../../../functions/cli/tailCommand.ts';

const base: LiveAttempt = {
  id: 'att_1',
  deliveryId: 'dlv_1',
  tenantId: 'acme',
  endpointId: 'ep_1',
  webhookId: 'evt_1',
  eventType: 'orders.created',
  attempt: 1,
  attemptedAt: '2026-12-01T10:00:00.123Z',
  status: 200,
  latencyMs: 42,
  errorClass: null,
  errorMessage: null,
};

describe('formatAttemptLine', () => {
  it('shows a success with its status and latency', () => {
    expect(formatAttemptLine(base)).toBe(
      `2026-12-01T10:00:00Z  ok 200${' '.repeat(16)}42ms  #1  acme  ep_1  orders.created  evt_1`,
    );
  });

  it('reads the time from `startedAt` when an API one release older sends only that name', () => {
    const { attemptedAt: _, ...older } = { ...base, startedAt: '2026-12-01T09:00:00.456Z' };
    expect(formatAttemptLine(older)).toMatch(/^2026-12-01T09:00:00Z {2}ok 200/);
    // The new name wins when both are sent (they are equal from this release on).
    expect(formatAttemptLine({ ...base, startedAt: '1999-01-01T00:00:00.000Z' })).toMatch(
      /^2026-12-01T10:00:00Z/,
    );
  });

  it('shows an HTTP failure by status and a network failure by class, with its message on one line', () => {
    expect(formatAttemptLine({ ...base, status: 500, errorClass: 'http_500', attempt: 2 })).toMatch(
      /^\S+ {2}FAIL 500 +42ms {2}#2 {2}acme/,
    );
    const timeout = formatAttemptLine({
      ...base,
      status: null,
      latencyMs: null,
      errorClass: 'timeout',
      errorMessage: 'no answer\nwithin 15 s',
    });
    expect(timeout).toMatch(/ {2}FAIL timeout +- {2}#1 .* {2}evt_1 {2}no answer within 15 s$/);
  });
});
