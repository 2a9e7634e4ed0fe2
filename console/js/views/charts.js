import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';
import { emptyState, errorBox, field, loading, pageHeading } from '../ui.js';

/** Deliveries per minute by outcome and p50/p95 latency over 24 h: every tenant, or one. */
export function chartsView(view, { query }) {
  const tenantId = query.get('tenantId') ?? '';
  const select = h('select', { id: 'charts-tenant' }, h('option', { value: '' }, 'All tenants'));
  const content = h('div', { class: 'charts', id: 'operator-charts' }, loading('the charts'));
  view.append(
    pageHeading('Delivery charts', h('p', { class: 'lede' }, 'Attempts per minute over the last 24 hours.')),
    h(
      'form',
      {
        class: 'card filters inline',
        'aria-label': 'Choose a tenant',
        onsubmit: (event) => {
          event.preventDefault();
          navigate('/charts', { tenantId: select.value });
        },
      },
      field('Tenant', select),
      h('button', { type: 'submit', class: 'button primary' }, 'Show charts'),
    ),
    h('section', { class: 'card' }, content),
  );
  api('GET', '/v1/tenants', { query: { limit: 250 } })
    .then((page) =>
      select.append(
        ...page.items.map((t) =>
          h('option', { value: t.id, selected: t.id === tenantId }, `${t.name} (${t.id})`),
        ),
      ),
    )
    .catch(() => {});
  requestAnimationFrame(async () => {
    try {
      const stats = await api('GET', '/v1/stats', { query: { tenantId, window: '24h' } });
      // Loaded only here: where uPlot is not installed (the API Lambda) the rest of the console still works.
      const { deliveryCharts, summarize } = await import('../shared/deliveryCharts.js');
      if (stats.buckets.length === 0)
        return replace(content, emptyState('No deliveries in the last 24 hours'));
      const { delivered, failed, worstP95Ms } = summarize(stats);
      const label = tenantId || 'All tenants';
      replace(
        content,
        h(
          'p',
          { id: 'charts-summary' },
          `${label}, last 24 hours: ${delivered} delivered, ${failed} failed attempts; worst minute p95 ${worstP95Ms} ms.`,
        ),
      );
      deliveryCharts(content, stats, { label });
    } catch (error) {
      replace(content, errorBox(error, 'The charts could not be loaded'));
    }
  });
}
