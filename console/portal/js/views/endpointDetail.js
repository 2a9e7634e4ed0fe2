import { announce, h, replace } from '../../common/js/dom.js';
import { time } from '../../common/js/format.js';
import { navigate } from '../../common/js/router.js';
import { confirmDialog, errorBox, loading, pageHeading } from '../../common/js/ui.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { deliveryLogPanel } from './deliveryLog.js';
import { endpointChartsPanel } from './endpointCharts.js';
import { enabledBadge } from './endpointList.js';
import { recoverPanel } from './recover.js';
import { secretPanel } from './secret.js';

/** One endpoint: its settings and actions, signing secret, charts, delivery log and recovery. */
export function endpointDetailView(view, { params }) {
  const id = params[0];
  const body = h('div', {}, loading('the endpoint'));
  view.append(pageHeading(`Endpoint ${id}`), body);
  const status = h('p', { role: 'status', class: 'result', id: 'endpoint-status' });

  const load = async (focusId) => {
    let endpoint;
    try {
      endpoint = await api('GET', `/v1/endpoints/${id}`);
    } catch (error) {
      replace(body, errorBox(error, 'The endpoint could not be loaded'));
      return;
    }
    replace(
      body,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'settings-title' },
        h('h2', { id: 'settings-title' }, 'Settings'),
        h(
          'dl',
          { class: 'facts' },
          fact('URL', h('span', { class: 'mono', id: 'endpoint-url-value' }, endpoint.url)),
          fact('Description', endpoint.description || '—'),
          fact('Status', enabledBadge(endpoint)),
          fact('Event types', endpoint.eventTypes ? endpoint.eventTypes.join(', ') : 'all'),
          fact('Updated', time(endpoint.updatedAt)),
        ),
        session.readOnly() ? null : actions(endpoint),
        status,
      ),
      secretPanel(endpoint),
      endpointChartsPanel(endpoint),
      deliveryLogPanel(endpoint),
      session.readOnly() ? null : recoverPanel(endpoint),
    );
    if (focusId) document.getElementById(focusId)?.focus();
  };

  const say = (text, kind = 'ok') => {
    status.className = `result ${kind}`;
    status.textContent = text;
    announce(text);
  };

  const actions = (endpoint) =>
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button secondary', href: `#/endpoints/${id}/edit`, id: 'edit-endpoint' }, 'Edit'),
      h(
        'button',
        {
          type: 'button',
          class: 'button secondary',
          id: 'toggle-endpoint',
          onclick: async () => {
            try {
              await api('PATCH', `/v1/endpoints/${id}`, { body: { enabled: !endpoint.enabled } });
              await load('toggle-endpoint');
              say(
                endpoint.enabled
                  ? 'Endpoint disabled: nothing is sent until you enable it.'
                  : 'Endpoint enabled.',
              );
            } catch (error) {
              say(error.message, 'error');
            }
          },
        },
        endpoint.enabled ? 'Disable' : 'Enable',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button secondary',
          id: 'send-test',
          onclick: async () => {
            try {
              const { eventId } = await api('POST', `/v1/endpoints/${id}/test`);
              say(`Test event ${eventId} sent; it appears in the delivery log below.`);
              document.dispatchEvent(new CustomEvent('portal:refresh-log'));
            } catch (error) {
              say(error.message, 'error');
            }
          },
        },
        'Send test event',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button danger',
          id: 'delete-endpoint',
          onclick: async () => {
            const sure = await confirmDialog({
              title: 'Delete this endpoint?',
              message: `${endpoint.url} stops receiving webhooks and its secret is deleted. This cannot be undone.`,
              confirmLabel: 'Delete',
            });
            if (!sure) return;
            try {
              await api('DELETE', `/v1/endpoints/${id}`);
              announce('Endpoint deleted.');
              navigate('/endpoints');
            } catch (error) {
              say(error.message, 'error');
            }
          },
        },
        'Delete',
      ),
    );

  load();
}

const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));
