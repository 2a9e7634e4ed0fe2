import { h, replace } from '../../common/js/dom.js';
import { emptyState, errorBox, loading } from '../../common/js/ui.js';
import { api } from '../api.js';

/** Deliveries per minute by outcome and p50/p95 latency over the last 24 hours. */
export function endpointChartsPanel(endpoint) {
  const content = h('div', { class: 'charts', id: 'endpoint-charts' }, loading('the charts'));
  const refresh = h(
    'button',
    { type: 'button', class: 'button secondary small', id: 'refresh-charts', onclick: () => load() },
    'Refresh',
  );
  const load = async () => {
    try {
      const stats = await api('GET', `/v1/endpoints/${endpoint.id}/stats`, { query: { window: '24h' } });
      // Loaded only here, so a missing chart library costs the charts, not the page.
      const { deliveryCharts, summarize } = await import('../../common/js/shared/deliveryCharts.js');
      replace(content);
      if (stats.buckets.length === 0) {
        replace(content, emptyState('No deliveries in the last 24 hours'));
        return;
      }
      const { delivered, failed, worstP95Ms } = summarize(stats);
      content.append(
        h(
          'p',
          { id: 'charts-summary' },
          `Last 24 hours: ${delivered} delivered, ${failed} failed attempts; worst minute p95 ${worstP95Ms} ms.`,
        ),
      );
      deliveryCharts(content, stats, { label: 'This endpoint' });
    } catch (error) {
      replace(content, errorBox(error, 'The charts could not be loaded'));
    }
  };
  // Laid out first so the charts can take the panel's width.
  requestAnimationFrame(() => load());
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'charts-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'charts-title' }, 'Last 24 hours'), refresh),
    content,
  );
}
