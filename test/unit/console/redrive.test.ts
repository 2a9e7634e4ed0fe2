import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Progress = (p: { done: number; remaining?: number; processed?: number; total?: number }) => void;
interface RedriveModule {
  redriveMatching(
    filter: Record<string, string>,
    options: { onProgress: Progress; isCancelled?: () => boolean },
  ): Promise<{ outcome: string; done: number; remaining: number }>;
  redriveSelected(ids: string[], options: { onProgress: Progress }): Promise<{ done: number }>;
}

// The console's own module, as the browser runs it (plain JavaScript, no build step, no types).
const CONSOLE_MODULE: string = '../../../console/js/redrive.js';
const { redriveMatching, redriveSelected } = (await import(CONSOLE_MODULE)) as RedriveModule;

interface Call {
  url: URL;
  body: Record<string, unknown>;
}

let calls: Call[];

/** A fake API answering each redrive with the next of `answers`. */
function apiAnswering(...answers: Array<{ count: number; remaining?: number }>) {
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)) });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    return new Response(JSON.stringify(answer), { status: 202 });
  });
}

beforeEach(() => {
  calls = [];
  vi.stubGlobal('location', new URL('https://api.example/prod/console/'));
  vi.stubGlobal('sessionStorage', { getItem: () => 'admin-token' });
});

afterEach(() => vi.unstubAllGlobals());

// The loop itself is tested in redriveAllMatching.test.ts; here, that the console drives it over its API.
describe('redriving everything matching a filter', () => {
  it('POSTs batches of 100 without empty filter values, `to` pinned to the start, until nothing remains', async () => {
    apiAnswering({ count: 100, remaining: 150 }, { count: 100, remaining: 50 }, { count: 50, remaining: 0 });
    const progress: Array<{ done: number; remaining: number }> = [];
    const before = new Date().toISOString();
    const result = await redriveMatching(
      { tenantId: 'acme', endpointId: '', errorClass: 'http_500' },
      { onProgress: (p) => progress.push(p as { done: number; remaining: number }) },
    );
    expect(result).toEqual({ outcome: 'finished', done: 250, remaining: 0 });
    expect(progress).toEqual([
      { done: 100, remaining: 150 },
      { done: 200, remaining: 50 },
      { done: 250, remaining: 0 },
    ]);
    expect(calls).toHaveLength(3);
    expect(calls[0]?.url.href).toBe('https://api.example/prod/v1/dead-letters/redrive');
    const to = calls[0]?.body.to as string;
    expect(to >= before).toBe(true);
    for (const call of calls) {
      // Empty filter values are left out; the same `to` every time.
      expect(call.body).toEqual({ tenantId: 'acme', errorClass: 'http_500', to, limit: 100 });
    }
  });

  it('keeps an earlier `to` from the filter', async () => {
    apiAnswering({ count: 3, remaining: 0 });
    await redriveMatching({ to: '2026-01-01T00:00:00.000Z' }, { onProgress: () => {} });
    expect(calls[0]?.body.to).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reports a batch that re-sent nothing while some still match as stalled', async () => {
    apiAnswering({ count: 0, remaining: 5 });
    const result = await redriveMatching({}, { onProgress: () => {} });
    expect(result).toEqual({ outcome: 'stalled', done: 0, remaining: 5 });
    expect(calls).toHaveLength(1);
  });

  it('stops when asked', async () => {
    apiAnswering({ count: 100, remaining: 900 });
    const stopped = await redriveMatching({}, { onProgress: () => {}, isCancelled: () => true });
    expect(stopped).toEqual({ outcome: 'cancelled', done: 100, remaining: 900 });
    expect(calls).toHaveLength(1);
  });
});

describe('redriving selected dead letters', () => {
  it('sends the ids at most 100 per call', async () => {
    apiAnswering({ count: 100 }, { count: 30 });
    const ids = Array.from({ length: 130 }, (_, i) => `dlv_${i}`);
    const result = await redriveSelected(ids, { onProgress: () => {} });
    expect(result).toEqual({ done: 130 });
    expect(calls.map((c) => (c.body.ids as string[]).length)).toEqual([100, 30]);
    expect(calls.flatMap((c) => c.body.ids as string[])).toEqual(ids);
  });
});
