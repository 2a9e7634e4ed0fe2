// Shared by the console (served as is, no build) and the CLI (functions/cli/redriveAll.ts imports it
// through redriveAllMatching.d.ts), so the two cannot drift apart on when a run counts as finished.
// Plain JavaScript with no DOM, no globals and no imports: both a browser and Node can load it.

/** How a run ended. Only `finished` means nothing matching is left. */
export const REDRIVE_OUTCOMES = Object.freeze({
  finished: 'finished',
  /** A batch re-sent nothing while some still match (e.g. each is being redriven elsewhere): stop, not loop. */
  stalled: 'stalled',
  cancelled: 'cancelled',
});

/**
 * The upper bound of every batch: the filter's own `to` when earlier, else the moment the run
 * started, so letters that die again during the run (or new ones) are not redriven in a loop.
 */
export function pinnedUpperBound(to, startedAt) {
  return to && new Date(to) < startedAt ? to : startedAt.toISOString();
}

/**
 * Redrives every dead letter matching `filter`, `limit` at a time, until none is left, a batch moves
 * nothing, or `isCancelled()` says stop. `send(body)` POSTs one batch to /v1/dead-letters/redrive and
 * resolves to the API's `{count, remaining?}`; an API without `remaining` redrives all in one call.
 * Resolves to `{outcome, done, remaining}`; `remaining` is what still matched after the last batch.
 */
export async function redriveAllMatching({
  filter,
  limit,
  send,
  onProgress = () => {},
  isCancelled = () => false,
  now = () => new Date(),
}) {
  const to = pinnedUpperBound(filter.to, now());
  let done = 0;
  for (;;) {
    const answer = await send({ ...filter, to, limit });
    done += answer.count;
    const remaining = answer.remaining ?? 0;
    onProgress({ done, remaining });
    if (remaining === 0) return { outcome: REDRIVE_OUTCOMES.finished, done, remaining };
    if (answer.count === 0) return { outcome: REDRIVE_OUTCOMES.stalled, done, remaining };
    if (isCancelled()) return { outcome: REDRIVE_OUTCOMES.cancelled, done, remaining };
  }
}
