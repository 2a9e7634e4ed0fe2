import { api } from '../api.js';
import { announce, h, replace } from '../dom.js';
import { time } from '../format.js';
import { href } from '../router.js';
import { emptyState, errorBox, loading, pageHeading, table } from '../ui.js';

export function tenantsView(view) {
  const content = h('div', {}, loading('tenants'));
  view.append(pageHeading('Tenants'), content);
  load(content);
}

async function load(content) {
  const body = [];
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  let cursor = null;
  const loadPage = async () => {
    const page = await api('GET', '/v1/tenants', { query: { limit: 100, ...(cursor ? { cursor } : {}) } });
    cursor = page.nextCursor ?? null;
    more.hidden = !cursor;
    return page.items.map(tenantRow);
  };
  try {
    body.push(...(await loadPage()));
  } catch (error) {
    replace(content, errorBox(error, 'The tenants could not be loaded'));
    return;
  }
  if (body.length === 0) {
    replace(
      content,
      emptyState('No tenants yet', 'Create one with POST /v1/tenants or `rowhook tenants create`.'),
    );
    return;
  }
  const rendered = table({
    caption: 'Tenants',
    columns: ['Id', 'Name', 'Tier', 'Created', 'Actions'],
    rows: body,
  });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const rows = await loadPage();
      rendered.querySelector('tbody').append(...rows);
      announce(`${rows.length} more tenants loaded.`);
      rows[0]?.querySelector('a')?.focus();
    } catch (error) {
      more.replaceWith(errorBox(error));
    } finally {
      more.disabled = false;
    }
  });
  replace(content, h('section', { class: 'card', 'aria-label': 'Tenants' }, rendered, more));
}

function tenantRow(tenant) {
  return h(
    'tr',
    {},
    h('td', { class: 'mono' }, tenant.id),
    h('td', {}, tenant.name),
    h('td', {}, h('span', { class: 'badge neutral' }, tenant.tier)),
    h('td', {}, time(tenant.createdAt)),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'cell-actions' },
        h(
          'a',
          { href: href('/endpoints', { tenantId: tenant.id }) },
          'Endpoints',
          h('span', { class: 'visually-hidden' }, ` of ${tenant.name}`),
        ),
        h(
          'a',
          { href: href('/dead-letters', { tenantId: tenant.id }) },
          'Dead letters',
          h('span', { class: 'visually-hidden' }, ` of ${tenant.name}`),
        ),
      ),
    ),
  );
}
