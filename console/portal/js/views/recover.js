import { h, replace } from '../../common/js/dom.js';
import { isoFromLocalInput } from '../../common/js/format.js';
import { field } from '../../common/js/ui.js';
import { api } from '../api.js';

/** Sends again every event of a time range to this endpoint (after an outage on your side). */
export function recoverPanel(endpoint) {
  const since = h('input', { id: 'recover-since', type: 'datetime-local', required: true });
  const until = h('input', { id: 'recover-until', type: 'datetime-local' });
  const result = h('p', { role: 'status', class: 'result', id: 'recover-result' });
  const onSubmit = async (event) => {
    event.preventDefault();
    const body = { since: isoFromLocalInput(since.value) };
    if (until.value) body.until = isoFromLocalInput(until.value);
    try {
      const answer = await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { body });
      result.className = 'result ok';
      replace(result, `Recovery ${answer.id} started (${answer.status}).`);
    } catch (error) {
      result.className = 'result error';
      replace(result, `Recover failed: ${error.message}`);
    }
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'recover-title' },
    h('h2', { id: 'recover-title' }, 'Recover missed events'),
    h(
      'p',
      { class: 'hint' },
      'Sends every event of the time range to this endpoint again, with the same webhook-id.',
    ),
    h(
      'form',
      {
        class: 'filters inline',
        onsubmit: onSubmit,
        novalidate: true,
        'aria-label': 'Recover missed events',
      },
      field('Since', since),
      field('Until (optional)', until),
      h('button', { type: 'submit', class: 'button secondary', id: 'recover-submit' }, 'Recover'),
    ),
    result,
  );
}
