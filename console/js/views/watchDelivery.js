import { api, isMissingRoute } from '../api.js';

const POLL_MS = 1000;
const GIVE_UP_MS = 120_000;

/**
 * Follows one delivery after a redrive through the attempt feed (GET /v1/attempts). Call before
 * redriving: it takes the feed's cursor first, so every attempt it reports afterwards is new.
 * Without the feed (an older API) it can only tell whether the delivery left the dead-letter queue.
 */
export async function prepareWatch(item) {
  const scope = { tenantId: item.tenantId, endpointId: item.endpointId };
  let cursor;
  try {
    cursor = (await api('GET', '/v1/attempts', { query: { ...scope, limit: 1 } })).nextCursor;
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
  }

  return function follow({ onAttempt, onOutcome }) {
    const started = Date.now();
    const tick = async () => {
      if (!document.getElementById('detail-status')) return; // the operator left the page
      try {
        if (cursor === undefined) {
          return onOutcome(
            (await stillDead(item.id))
              ? { kind: 'error', text: 'Failed again: it is back in the dead-letter queue.' }
              : { kind: 'ok', text: 'Redriven: it has left the dead-letter queue.' },
          );
        }
        const page = await api('GET', '/v1/attempts', { query: { ...scope, after: cursor, limit: 100 } });
        cursor = page.nextCursor ?? cursor;
        for (const attempt of page.items.filter((a) => a.deliveryId === item.id)) {
          onAttempt(attempt);
          if (attempt.status >= 200 && attempt.status < 300) {
            return onOutcome({
              kind: 'ok',
              text: `Delivered: the endpoint answered HTTP ${attempt.status} on attempt ${attempt.attempt}.`,
            });
          }
          if (await stillDead(item.id)) {
            return onOutcome({ kind: 'error', text: 'Failed again: it is back in the dead-letter queue.' });
          }
        }
      } catch (error) {
        return onOutcome({ kind: 'error', text: `Could not follow it: ${error.message}` });
      }
      if (Date.now() - started > GIVE_UP_MS) {
        return onOutcome({
          kind: 'pending',
          text: 'Still retrying; the endpoint’s delivery log will show the result.',
        });
      }
      setTimeout(tick, POLL_MS);
    };
    setTimeout(tick, POLL_MS / 2);
  };
}

async function stillDead(id) {
  try {
    await api('GET', `/v1/dead-letters/${encodeURIComponent(id)}`);
    return true;
  } catch {
    return false;
  }
}
