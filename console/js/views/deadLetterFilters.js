import { api } from '../api.js';
import { h } from '../dom.js';
import { isoFromLocalInput, localInputFromIso } from '../format.js';
import { field } from '../ui.js';

// The classes the API derives from the last attempt; free text is accepted too.
const ERROR_CLASSES = [
  'http_500',
  'http_502',
  'http_503',
  'http_404',
  'http_429',
  'timeout',
  'connect',
  'dns',
  'reset',
  'blocked',
  'endpoint_disabled',
  'no_secret',
];

/** The dead-letter filter; `onApply` gets the new filter (ISO times) when submitted. */
export function filterForm(filter, onApply) {
  const text = (id, value, extra = {}) =>
    h('input', { id, name: id, type: 'text', value, autocomplete: 'off', ...extra });
  const tenant = text('filter-tenant', filter.tenantId, { list: 'tenant-options' });
  const endpoint = text('filter-endpoint', filter.endpointId, { placeholder: 'ep_…', class: 'mono' });
  const eventType = text('filter-event-type', filter.eventType, { placeholder: 'orders.created' });
  const errorClass = text('filter-error-class', filter.errorClass, { list: 'error-class-options' });
  const from = h('input', {
    id: 'filter-from',
    type: 'datetime-local',
    value: localInputFromIso(filter.from),
  });
  const to = h('input', { id: 'filter-to', type: 'datetime-local', value: localInputFromIso(filter.to) });
  const tenantOptions = h('datalist', { id: 'tenant-options' });

  // Suggestions only: the filter works with any tenant id typed in.
  api('GET', '/v1/tenants', { query: { limit: 100 } })
    .then((page) => tenantOptions.append(...page.items.map((t) => h('option', { value: t.id }, t.name))))
    .catch(() => {});

  const onSubmit = (event) => {
    event.preventDefault();
    onApply({
      tenantId: tenant.value.trim(),
      endpointId: endpoint.value.trim(),
      eventType: eventType.value.trim(),
      errorClass: errorClass.value.trim(),
      from: isoFromLocalInput(from.value),
      to: isoFromLocalInput(to.value),
    });
  };
  const onReset = (event) => {
    event.preventDefault();
    onApply({});
  };

  return h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter dead letters',
      onsubmit: onSubmit,
      onreset: onReset,
    },
    h(
      'div',
      { class: 'filter-grid' },
      field('Tenant', tenant),
      field('Endpoint', endpoint),
      field('Event type', eventType),
      field('Error class', errorClass),
      field('Failed from', from),
      field('Failed before', to),
    ),
    tenantOptions,
    h(
      'datalist',
      { id: 'error-class-options' },
      ERROR_CLASSES.map((value) => h('option', { value })),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, 'Apply filter'),
      h('button', { type: 'reset', class: 'button secondary' }, 'Clear'),
    ),
  );
}
