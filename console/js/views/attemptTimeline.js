import { h } from '../dom.js';
import { errorClassBadge, statusBadge, time } from '../format.js';

/** Every attempt, oldest first, as an ordered list (the order is the meaning). */
export function attemptTimeline(attempts) {
  return h(
    'div',
    { class: 'timeline-wrap' },
    attempts.length === 0 ? h('p', { class: 'muted' }, 'No attempts were logged.') : null,
    h(
      'ol',
      { class: 'timeline', 'aria-label': 'Delivery attempts, oldest first' },
      attempts.map((a) => timelineItem(a)),
    ),
  );
}

export function timelineItem(attempt, { fresh = false } = {}) {
  const ok = attempt.status >= 200 && attempt.status < 300;
  return h(
    'li',
    { class: `timeline-item ${ok ? 'ok' : 'failed'}${fresh ? ' fresh' : ''}` },
    h(
      'div',
      { class: 'timeline-head' },
      h('span', { class: 'attempt-number' }, `Attempt ${attempt.attempt}`),
      statusBadge(attempt.status),
      attempt.errorClass ? errorClassBadge(attempt.errorClass) : null,
      // startedAt: the name before attemptedAt, from an API one release older.
      h('span', { class: 'muted' }, time(attempt.attemptedAt ?? attempt.startedAt)),
      attempt.latencyMs === null || attempt.latencyMs === undefined
        ? null
        : h('span', { class: 'muted' }, `${attempt.latencyMs} ms`),
      fresh ? h('span', { class: 'badge info' }, 'after redrive') : null,
    ),
    attempt.errorMessage ? h('p', { class: 'timeline-error' }, attempt.errorMessage) : null,
    attempt.responseSnippet
      ? h(
          'details',
          {},
          h('summary', {}, 'Response'),
          h('pre', { class: 'code small', tabindex: '0' }, attempt.responseSnippet),
        )
      : null,
  );
}
