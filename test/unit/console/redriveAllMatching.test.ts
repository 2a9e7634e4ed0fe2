import { describe, expect, it } from 'vitest';
import {
  pinnedUpperBound,
  REDRIVE_OUTCOMES,
  type RedriveBatchAnswer,
  redriveAllMatching,
} from '../../../console/js/shared/redriveAllMatching.js';

// The one loop behind the console's "Redrive all matching" and the CLI's `dlq redrive --all`.
const START = new Date('2026-12-01T12:00:00.000Z');

function scripted(...answers: RedriveBatchAnswer[]) {
  const bodies: Record<string, unknown>[] = [];
  const send = async (body: Record<string, unknown>) => {
    bodies.push(body);
    const answer = answers[bodies.length - 1];
    if (!answer) throw new Error(`batch ${bodies.length} was not expected`);
    return answer;
  };
  return { bodies, send };
}

describe('redriveAllMatching', () => {
  it('repeats batches with `to` pinned to the start until none remain, and reports finished', async () => {
    const api = scripted({ count: 2, remaining: 3 }, { count: 2, remaining: 1 }, { count: 1, remaining: 0 });
    const progress: unknown[] = [];
    const result = await redriveAllMatching({
      filter: { tenantId: 'acme' },
      limit: 2,
      send: api.send,
      now: () => START,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ outcome: REDRIVE_OUTCOMES.finished, done: 5, remaining: 0 });
    expect(progress).toEqual([
      { done: 2, remaining: 3 },
      { done: 4, remaining: 1 },
      { done: 5, remaining: 0 },
    ]);
    expect(api.bodies).toEqual(Array(3).fill({ tenantId: 'acme', to: START.toISOString(), limit: 2 }));
  });

  it('reports a batch that re-sent nothing while some still match as stalled, not finished', async () => {
    const api = scripted({ count: 3, remaining: 4 }, { count: 0, remaining: 4 });
    const result = await redriveAllMatching({ filter: {}, limit: 3, send: api.send, now: () => START });
    expect(result).toEqual({ outcome: REDRIVE_OUTCOMES.stalled, done: 3, remaining: 4 });
    expect(api.bodies).toHaveLength(2);
  });

  it('stops after the batch in flight when cancelled, saying how many still match', async () => {
    const api = scripted({ count: 100, remaining: 900 });
    const result = await redriveAllMatching({
      filter: {},
      limit: 100,
      send: api.send,
      isCancelled: () => true,
    });
    expect(result).toEqual({ outcome: REDRIVE_OUTCOMES.cancelled, done: 100, remaining: 900 });
  });

  it('takes an API without `remaining` to have redriven everything in one call', async () => {
    const api = scripted({ count: 7 });
    const result = await redriveAllMatching({ filter: {}, limit: 100, send: api.send });
    expect(result).toEqual({ outcome: REDRIVE_OUTCOMES.finished, done: 7, remaining: 0 });
  });

  it('keeps an earlier `to` from the filter and replaces a later or missing one by the start', () => {
    expect(pinnedUpperBound('2026-11-30T00:00:00.000Z', START)).toBe('2026-11-30T00:00:00.000Z');
    expect(pinnedUpperBound('2027-01-01T00:00:00.000Z', START)).toBe(START.toISOString());
    expect(pinnedUpperBound(undefined, START)).toBe(START.toISOString());
    expect(pinnedUpperBound('', START)).toBe(START.toISOString());
  });
});
