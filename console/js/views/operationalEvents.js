import { api, isMissingRoute } from '../api.js';
import { h, replace } from '../dom.js';
import { time } from '../format.js';
import { href, navigate } from '../router.js';
import { emptyState, errorBox, field, loading, pageHeading, table } from '../ui.js';

const TYPES = {
  'endpoint.disabled': 'Endpoint disabled',
  'message.attempt.exhausted': 'Attempts exhausted',
  'endpoint.recovered': 'Endpoint recovered',
};

export function operationalEventsView(view, { query }) {
  const type = query.get('type') ?? '';
  const tenantId = query.get('tenantId') ?? '';
  const typeSelect = h(
    'select',
    { id: 'event-type', name: 'type' },
    h('option', { value: '' }, 'All types'),
    Object.entries(TYPES).map(([value, label]) => h('option', { value, selected: value === type }, label)),
  );
  const tenantInput = h('input', { id: 'event-tenant', type: 'text', value: tenantId, autocomplete: 'off' });
  const content = h('div', {}, loading('operational events'));
  view.append(
    pageHeading(
      'Operational events',
      h('p', { class: 'lede' }, 'Endpoints disabled or recovered, and deliveries that ran out of attempts.'),
    ),
    h(
      'form',
      {
        class: 'card filters inline',
        role: 'search',
        'aria-label': 'Filter operational events',
        onsubmit: (event) => {
          event.preventDefault();
          navigate('/events', { type: typeSelect.value, tenantId: tenantInput.value.trim() });
        },
      },
      field('Type', typeSelect),
      field('Tenant', tenantInput),
      h('button', { type: 'submit', class: 'button primary' }, 'Apply filter'),
    ),
    content,
  );
  load(content, { type, tenantId });
}

async function load(content, filter) {
  let page;
  try {
    page = await api('GET', '/v1/operational-events', { query: { ...filter, limit: 100 } });
  } catch (error) {
    replace(
      content,
      isMissingRoute(error)
        ? emptyState(
            'Operational events are not available',
            'This API does not record operational events yet. Deliveries and dead letters still work as usual.',
          )
        : errorBox(error, 'The operational events could not be loaded'),
    );
    return;
  }
  if (page.items.length === 0) {
    replace(
      content,
      emptyState('No operational events', 'Nothing has been disabled, exhausted or recovered.'),
    );
    return;
  }
  replace(
    content,
    h(
      'section',
      { class: 'card', 'aria-label': 'Operational events' },
      table({
        caption: 'Operational events, newest first',
        columns: ['When', 'Type', 'Tenant', 'Endpoint', 'Details'],
        rows: [...page.items]
          .sort(newestFirst)
          .map((event) =>
            h(
              'tr',
              {},
              h('td', { class: 'nowrap' }, time(event.occurredAt)),
              h(
                'td',
                {},
                h(
                  'span',
                  { class: `badge ${event.type === 'endpoint.recovered' ? 'ok' : 'error'}` },
                  TYPES[event.type] ?? event.type,
                ),
              ),
              h('td', {}, event.tenantId ?? '—'),
              h('td', { class: 'mono' }, event.endpointId ?? '—'),
              h('td', {}, details(event.data)),
            ),
          ),
      }),
    ),
  );
}

const newestFirst = (a, b) => (a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : 0);

/** The event's data: its reason as text, the other fields as name = value. */
function details(data) {
  if (!data || typeof data !== 'object') return '';
  const { reason, ...rest } = data;
  return h(
    'div',
    {},
    reason ? h('span', { class: 'block' }, String(reason)) : null,
    typeof rest.deliveryId === 'string'
      ? h(
          'a',
          { href: href(`/dead-letters/${encodeURIComponent(rest.deliveryId)}`), class: 'small' },
          'Open the dead letter',
        )
      : null,
    h(
      'span',
      { class: 'small muted block mono' },
      Object.entries(rest)
        .map(([name, value]) => `${name} = ${typeof value === 'object' ? JSON.stringify(value) : value}`)
        .join(' · '),
    ),
  );
}
