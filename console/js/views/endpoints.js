import { api, isMissingRoute } from '../api.js';
import { h, replace } from '../dom.js';
import { percent, time } from '../format.js';
import { href, navigate } from '../router.js';
import { confirmDialog, emptyState, errorBox, field, loading, pageHeading, table } from '../ui.js';
import { recoverButton } from './recoverDialog.js';

/** Endpoint health for one tenant: success rate over 24 h, last failure, disabled state. */
export function endpointsView(view, { query }) {
  const tenantId = query.get('tenantId') ?? '';
  const select = h(
    'select',
    { id: 'tenant-select', name: 'tenantId' },
    h('option', { value: '' }, 'Choose a tenant…'),
  );
  const content = h('div', {});
  view.append(
    pageHeading(
      'Endpoint health',
      h(
        'p',
        { class: 'lede' },
        'Success rate over the last 24 hours, last failure, and whether delivery is paused.',
      ),
    ),
    h(
      'form',
      {
        class: 'card filters inline',
        'aria-label': 'Choose a tenant',
        onsubmit: (event) => {
          event.preventDefault();
          navigate('/endpoints', { tenantId: select.value });
        },
      },
      field('Tenant', select),
      h('button', { type: 'submit', class: 'button primary' }, 'Show endpoints'),
    ),
    content,
  );

  api('GET', '/v1/tenants', { query: { limit: 100 } })
    .then((page) => {
      select.append(
        ...page.items.map((t) =>
          h('option', { value: t.id, selected: t.id === tenantId }, `${t.name} (${t.id})`),
        ),
      );
      // Only one tenant: nothing to choose.
      if (!tenantId && page.items.length === 1) navigate('/endpoints', { tenantId: page.items[0].id });
    })
    .catch((error) => replace(content, errorBox(error, 'The tenants could not be loaded')));

  if (tenantId) loadEndpoints(content, tenantId);
  else replace(content, emptyState('Choose a tenant', 'Endpoints belong to tenants; pick one above.'));
}

async function loadEndpoints(content, tenantId) {
  replace(content, loading(`the endpoints of ${tenantId}`));
  let page;
  try {
    page = await api('GET', `/v1/tenants/${encodeURIComponent(tenantId)}/endpoints`, {
      query: { limit: 100 },
    });
  } catch (error) {
    replace(
      content,
      isMissingRoute(error)
        ? emptyState('Endpoint health is not available on this API.')
        : errorBox(error, `The endpoints of ${tenantId} could not be loaded`),
    );
    return;
  }
  if (page.items.length === 0) {
    replace(content, emptyState('No endpoints', `${tenantId} has not registered an endpoint yet.`));
    return;
  }
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'result', id: 'endpoints-status' });
  replace(
    content,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'endpoints-title' },
      h('h2', { id: 'endpoints-title' }, `Endpoints of ${tenantId}`),
      status,
      table({
        caption: `Endpoints of ${tenantId} and their health`,
        columns: [
          'Endpoint',
          'State',
          { label: 'Success (24 h)', className: 'num' },
          'Last success',
          'Last failure',
          'Actions',
        ],
        rows: page.items.map((endpoint) =>
          endpointRow(tenantId, endpoint, status, () => loadEndpoints(content, tenantId)),
        ),
      }),
    ),
  );
}

function endpointRow(tenantId, endpoint, status, reload) {
  const health = endpoint.health ?? {};
  const toggle = endpoint.enabled
    ? h('button', { type: 'button', class: 'button secondary small' }, 'Disable')
    : h('button', { type: 'button', class: 'button primary small' }, 'Re-enable');
  toggle.dataset.endpointToggle = endpoint.id;
  toggle.setAttribute('aria-label', `${endpoint.enabled ? 'Disable' : 'Re-enable'} ${endpoint.url}`);
  toggle.addEventListener('click', async () => {
    if (endpoint.enabled) {
      const ok = await confirmDialog({
        title: 'Disable this endpoint?',
        message: `${endpoint.url} gets nothing until it is re-enabled; its deliveries wait in the queue.`,
        confirmLabel: 'Disable',
      });
      if (!ok) return;
    }
    toggle.disabled = true;
    const action = endpoint.enabled ? 'disable' : 'enable';
    try {
      await api(
        'POST',
        `/v1/tenants/${encodeURIComponent(tenantId)}/endpoints/${encodeURIComponent(endpoint.id)}/${action}`,
        {
          body: action === 'disable' ? { reason: 'disabled from the console' } : {},
        },
      );
      const done = `${endpoint.url} ${action === 'enable' ? 're-enabled: queued deliveries resume' : 'disabled'}.`;
      await reload();
      // The rows were rebuilt: keep keyboard focus on this endpoint's (new) button.
      document.querySelector(`[data-endpoint-toggle="${CSS.escape(endpoint.id)}"]`)?.focus();
      const current = document.getElementById('endpoints-status');
      if (current) {
        current.textContent = done;
        current.className = 'result ok';
      }
    } catch (error) {
      status.textContent = `Could not ${action} ${endpoint.url}: ${error.message}`;
      status.className = 'result error';
      toggle.disabled = false;
    }
  });

  const rateClass =
    health.successRate === null || health.successRate === undefined
      ? ''
      : health.successRate >= 0.99
        ? 'ok'
        : health.successRate >= 0.9
          ? 'warn'
          : 'error';
  return h(
    'tr',
    {},
    h(
      'td',
      { class: 'endpoint-cell' },
      h('span', { class: 'mono block' }, endpoint.url),
      h('span', { class: 'small muted block mono' }, endpoint.id),
      endpoint.description ? h('span', { class: 'small block' }, endpoint.description) : null,
    ),
    h(
      'td',
      {},
      endpoint.enabled
        ? h('span', { class: 'badge ok' }, 'Enabled')
        : h('span', { class: 'badge error' }, 'Disabled'),
      !endpoint.enabled && endpoint.disabledReason
        ? h('span', { class: 'small block' }, endpoint.disabledReason)
        : null,
    ),
    h(
      'td',
      { class: 'num' },
      h('span', { class: `rate ${rateClass}` }, percent(health.successRate)),
      h('span', { class: 'small muted block' }, `${health.successes24h ?? 0} of ${health.attempts24h ?? 0}`),
    ),
    h('td', {}, time(health.lastSuccessAt)),
    h(
      'td',
      {},
      time(health.lastFailureAt),
      health.lastFailureError ? h('span', { class: 'small muted block' }, health.lastFailureError) : null,
    ),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'cell-actions' },
        toggle,
        recoverButton(endpoint),
        h(
          'a',
          { href: href('/dead-letters', { tenantId, endpointId: endpoint.id }), class: 'small' },
          'Dead letters',
          h('span', { class: 'visually-hidden' }, ` of ${endpoint.url}`),
        ),
      ),
    ),
  );
}
