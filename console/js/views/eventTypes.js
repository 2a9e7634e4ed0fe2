import { api, isMissingRoute } from '../api.js';
import { h, replace } from '../dom.js';
import { time } from '../format.js';
import { emptyState, errorBox, loading, pageHeading, table } from '../ui.js';

const SOURCES = { table: 'Tracked table', published: 'Published' };

/** The event catalog: every type, where it comes from, its schema version, and an example body. */
export function eventTypesView(view) {
  const content = h('div', {}, loading('event types'));
  view.append(
    pageHeading(
      'Event catalog',
      h(
        'p',
        { class: 'lede' },
        'Every event type tenants can receive, with the JSON Schema of its data (also under webhooks in /openapi.json).',
      ),
    ),
    content,
  );
  load(content);
}

async function load(content) {
  let page;
  try {
    page = await api('GET', '/v1/event-types');
  } catch (error) {
    replace(
      content,
      isMissingRoute(error)
        ? emptyState('The event catalog is not available', 'This API does not serve /v1/event-types.')
        : errorBox(error, 'The event catalog could not be loaded'),
    );
    return;
  }
  if (page.items.length === 0) {
    replace(
      content,
      emptyState(
        'No event types yet',
        'Track a table with rowhook.track_table or publish an event with rowhook.publish.',
      ),
    );
    return;
  }
  replace(
    content,
    h(
      'section',
      { class: 'card', 'aria-label': 'Event types' },
      table({
        caption: 'Event types, by name',
        columns: ['Type', 'Source', 'Schema version', 'Updated', 'Example body'],
        rows: page.items.map(typeRow),
      }),
    ),
  );
}

function typeRow(eventType) {
  return h(
    'tr',
    {},
    h('td', { class: 'mono' }, eventType.type),
    h(
      'td',
      {},
      eventType.sourceTable ? `${SOURCES.table} ${eventType.sourceTable}` : SOURCES[eventType.source],
    ),
    h('td', {}, eventType.version === null ? 'No schema' : `v${eventType.version}`),
    h('td', {}, eventType.updatedAt ? time(eventType.updatedAt) : '—'),
    h(
      'td',
      {},
      h(
        'details',
        {},
        h('summary', {}, 'Example', h('span', { class: 'visually-hidden' }, ` body of ${eventType.type}`)),
        h(
          'pre',
          { class: 'code small', tabindex: '0', 'aria-label': `Example body of ${eventType.type}` },
          JSON.stringify(eventType.example, null, 2),
        ),
        eventType.schema
          ? h(
              'details',
              {},
              h('summary', {}, 'Data schema'),
              h(
                'pre',
                { class: 'code small', tabindex: '0', 'aria-label': `Data schema of ${eventType.type}` },
                JSON.stringify(eventType.schema, null, 2),
              ),
            )
          : null,
      ),
    ),
  );
}
