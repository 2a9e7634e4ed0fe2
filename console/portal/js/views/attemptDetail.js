import { h, replace } from '../../common/js/dom.js';
import { api } from '../api.js';

/** One attempt in full (what was answered, or why there was no answer) and a resend of its event. */
export function attemptDetail(a, endpoint, readOnly) {
  const result = h('p', { role: 'status', class: 'result' });
  const resend = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      'aria-label': `Resend ${a.eventId}`,
      onclick: async () => {
        try {
          const answer = await api('POST', `/v1/endpoints/${endpoint.id}/events/${a.eventId}/resend`);
          result.className = 'result ok';
          replace(result, `Resent as delivery ${answer.deliveryId}.`);
          document.dispatchEvent(new CustomEvent('portal:refresh-log'));
        } catch (error) {
          result.className = 'result error';
          replace(result, `Resend failed: ${error.message}`);
        }
      },
    },
    'Resend this event',
  );
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'facts' },
      fact('Delivery', h('span', { class: 'mono' }, a.deliveryId)),
      fact('Event', h('span', { class: 'mono' }, a.eventId)),
      fact('webhook-timestamp', String(a.webhookTimestamp)),
      fact('Status', a.status === null ? 'no response' : `HTTP ${a.status}`),
      fact('Error class', a.errorClass ?? '—'),
      fact('Error', a.errorMessage ?? '—'),
    ),
    h('p', { class: 'small' }, 'Response (first bytes):'),
    h('pre', { class: 'code', tabindex: '0' }, a.responseSnippet ?? '(none)'),
    readOnly ? null : h('div', { class: 'actions' }, resend),
    result,
  );
}

const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));
