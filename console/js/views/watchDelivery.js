import { api, isMissingRoute } from '../api.js';

const POLL_MS = 1000;
const GIVE_UP_MS = 120_000;

/**
 * After a redrive: polls the attempt feed for this delivery's new attempts and reports each one,
 * then the outcome (delivered, or dead-lettered again). Without the attempt feed, falls back to
 * whether the delivery is still in the dead-letter queue.
 */
export function watchDelivery(item, sinceIso, { onAttempt, onOutcome }) {
  // Attempts already shown are skipped by id; the time bound only matters if the API sent no ids.
  const seen = new Set((item.attemptsLog ?? []).map((a) => a.id).filter(Boolean));
  const started = Date.now();
  const tick = async () => {
    if (!document.body.contains(document.getElementById('detail-status'))) return; // left the page
    try {
      const page = await api('GET', '/v1/attempts', {
        query: { tenantId: item.tenantId, endpointId: item.endpointId, limit: 100 },
      });
      const fresh = page.items.filter(
        (a) => a.deliveryId === item.id && !seen.has(a.id) && (a.startedAt ?? a.attemptedAt) >= sinceIso,
      );
      for (const attempt of fresh) {
        seen.add(attempt.id);
        onAttempt(attempt);
        if (attempt.status >= 200 && attempt.status < 300) {
          return onOutcome({
            kind: 'ok',
            text: `Delivered: the endpoint answered HTTP ${attempt.status} on attempt ${attempt.attempt}.`,
          });
        }
      }
      if (fresh.length > 0 && (await stillDead(item.id))) {
        return onOutcome({ kind: 'error', text: 'Failed again: it is back in the dead-letter queue.' });
      }
    } catch (error) {
      if (!isMissingRoute(error))
        return onOutcome({ kind: 'error', text: `Could not follow it: ${error.message}` });
      if (!(await stillDead(item.id))) {
        return onOutcome({ kind: 'ok', text: 'Redriven: it has left the dead-letter queue.' });
      }
    }
    if (Date.now() - started > GIVE_UP_MS) {
      return onOutcome({ kind: 'pending', text: 'Still retrying; check the endpoint’s delivery log later.' });
    }
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS / 2);
}

async function stillDead(id) {
  try {
    await api('GET', `/v1/dead-letters/${encodeURIComponent(id)}`);
    return true;
  } catch {
    return false;
  }
}
