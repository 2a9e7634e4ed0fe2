import { api } from './api.js';
import { redriveAllMatching } from './shared/redriveAllMatching.js';

const BATCH = 100;
const MAX_IDS = 100;

/** Drops empty values: the API refuses empty strings where it expects an id or a time. */
export function compact(filter) {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''),
  );
}

/**
 * Redrives every dead letter matching `filter`, a batch at a time, with the loop the CLI uses too.
 * Resolves to `{outcome, done, remaining}`: only outcome `finished` means none still match.
 */
export function redriveMatching(filter, { onProgress, isCancelled }) {
  return redriveAllMatching({
    filter,
    limit: BATCH,
    send: (body) => api('POST', '/v1/dead-letters/redrive', { body: compact(body) }),
    onProgress,
    isCancelled,
  });
}

/** Redrives the selected dead letters, up to 100 per call. */
export async function redriveSelected(ids, { onProgress }) {
  let done = 0;
  for (let i = 0; i < ids.length; i += MAX_IDS) {
    const result = await api('POST', '/v1/dead-letters/redrive', {
      body: { ids: ids.slice(i, i + MAX_IDS) },
    });
    done += result.count;
    onProgress({ done, processed: Math.min(i + MAX_IDS, ids.length), total: ids.length });
  }
  return { done };
}

/** Discards the selected dead letters one by one (there is no bulk discard route). */
export async function discardSelected(ids, { onProgress }) {
  let done = 0;
  let processed = 0;
  for (const id of ids) {
    try {
      await api('DELETE', `/v1/dead-letters/${encodeURIComponent(id)}`);
      done += 1;
    } catch (error) {
      // Already gone (redriven or discarded elsewhere): not a failure of this discard.
      if (error.status !== 404) throw error;
    }
    processed += 1;
    onProgress({ done, processed, total: ids.length });
  }
  return { done };
}
