import { h, replace } from '../../common/js/dom.js';
import { time } from '../../common/js/format.js';
import { emptyState, errorBox, loading, pageHeading, table } from '../../common/js/ui.js';
import { api } from '../api.js';
import { session } from '../session.js';

/** Your endpoints, oldest first, each linking to its page. */
export function endpointListView(view) {
  const content = h('div', {}, loading('your endpoints'));
  view.append(
    pageHeading(
      'Endpoints',
      h('p', { class: 'lede' }, 'Where your webhooks are delivered.'),
      session.readOnly()
        ? null
        : h('a', { class: 'button primary', href: '#/endpoints/new', id: 'add-endpoint' }, 'Add endpoint'),
    ),
    content,
  );
  api('GET', '/v1/endpoints', { query: { limit: 250 } })
    .then((page) => {
      if (page.items.length === 0) {
        replace(content, emptyState('No endpoints yet', 'Add one to start receiving webhooks.'));
        return;
      }
      replace(
        content,
        table({
          caption: 'Your endpoints',
          columns: ['Endpoint', 'Description', 'Status', 'Event types', 'Created'],
          rows: page.items.map((e) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/endpoints/${e.id}`, class: 'mono' }, e.url)),
              h('td', {}, e.description || h('span', { class: 'muted' }, '—')),
              h('td', {}, enabledBadge(e)),
              h('td', { class: 'mono small' }, e.eventTypes ? e.eventTypes.join(', ') : 'all'),
              h('td', {}, time(e.createdAt)),
            ),
          ),
        }),
      );
    })
    .catch((error) => replace(content, errorBox(error, 'Your endpoints could not be loaded')));
}

export const enabledBadge = (endpoint) =>
  endpoint.enabled
    ? h('span', { class: 'badge ok' }, 'Enabled')
    : h('span', { class: 'badge warn', title: endpoint.disabledReason ?? '' }, 'Disabled');
