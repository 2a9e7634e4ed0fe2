import { h, replace } from '../../common/js/dom.js';
import { statusBadge, time } from '../../common/js/format.js';
import { emptyState, errorBox, field, loading, table } from '../../common/js/ui.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { attemptDetail } from './attemptDetail.js';

const OUTCOMES = { all: 'All', delivered: 'Delivered (2xx)', failed: 'Failed' };

/** The endpoint's attempts, newest first, filtered by outcome and event type, each with its detail. */
export function deliveryLogPanel(endpoint) {
  let items = [];
  let nextCursor = null;
  // Attempts whose detail is open stay open when the log reloads (a test event, a resend, Refresh).
  const expanded = new Set();
  const outcome = h(
    'select',
    { id: 'log-outcome' },
    Object.entries(OUTCOMES).map(([value, label]) => h('option', { value }, label)),
  );
  const eventType = h('input', { id: 'log-event-type', type: 'text', placeholder: 'e.g. orders.created' });
  const content = h('div', { id: 'delivery-log' }, loading('the delivery log'));
  const more = h(
    'button',
    { type: 'button', class: 'button secondary', hidden: true, onclick: () => load(nextCursor) },
    'Load more',
  );

  const matches = (a) =>
    (outcome.value === 'all' || (outcome.value === 'delivered') === (a.status >= 200 && a.status < 300)) &&
    a.eventType.includes(eventType.value.trim());

  const draw = () => {
    const shown = items.filter(matches);
    if (shown.length === 0) {
      replace(content, emptyState(items.length ? 'No attempt matches the filters' : 'No deliveries yet'));
      return;
    }
    replace(
      content,
      table({
        caption: 'Delivery attempts, newest first',
        columns: ['Attempted', 'Event', 'Attempt', 'Result', 'Latency', ''],
        rows: shown.flatMap((a) => row(a, endpoint, expanded)),
      }),
    );
  };

  const load = async (cursor) => {
    try {
      const page = await api('GET', `/v1/endpoints/${endpoint.id}/deliveries`, {
        query: { limit: 100, cursor },
      });
      items = cursor ? [...items, ...page.items] : page.items;
      nextCursor = page.nextCursor;
      more.hidden = !nextCursor;
      draw();
    } catch (error) {
      replace(content, errorBox(error, 'The delivery log could not be loaded'));
    }
  };
  outcome.addEventListener('change', draw);
  eventType.addEventListener('input', draw);
  const refresh = h(
    'button',
    { type: 'button', class: 'button secondary small', id: 'refresh-log', onclick: () => load() },
    'Refresh',
  );
  // A test event or a resend: reload once it has had a moment to be attempted (while this view lives).
  const onRefresh = () => {
    if (!content.isConnected) return document.removeEventListener('portal:refresh-log', onRefresh);
    setTimeout(() => load(), 1000);
  };
  document.addEventListener('portal:refresh-log', onRefresh);
  load();
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'log-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'log-title' }, 'Delivery log'), refresh),
    h(
      'div',
      { class: 'filters inline', role: 'group', 'aria-label': 'Filter the log' },
      field('Outcome', outcome),
      field('Event type contains', eventType),
    ),
    content,
    more,
  );
}

function row(a, endpoint, expanded) {
  const detailId = `attempt-${a.id}`;
  const detail = h(
    'tr',
    { class: 'attempt-detail', id: detailId, hidden: !expanded.has(a.id) },
    h('td', { colspan: 6 }, attemptDetail(a, endpoint, session.readOnly())),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      'aria-expanded': String(expanded.has(a.id)),
      'aria-controls': detailId,
      'aria-label': `Details of attempt ${a.attempt} of ${a.eventId}`,
      onclick: () => {
        detail.hidden = !detail.hidden;
        if (detail.hidden) expanded.delete(a.id);
        else expanded.add(a.id);
        toggle.setAttribute('aria-expanded', String(!detail.hidden));
      },
    },
    'Details',
  );
  return [
    h(
      'tr',
      {},
      h('td', {}, time(a.attemptedAt)),
      h(
        'td',
        {},
        h('span', { class: 'mono small' }, a.eventType),
        h('br'),
        h('span', { class: 'mono small muted' }, a.eventId),
      ),
      h('td', {}, String(a.attempt)),
      h(
        'td',
        {},
        statusBadge(a.status),
        a.errorClass ? h('span', { class: 'mono small' }, ` ${a.errorClass}`) : null,
      ),
      h('td', {}, `${a.latencyMs} ms`),
      h('td', {}, toggle),
    ),
    detail,
  ];
}
