import { announce, h, replace } from '../../common/js/dom.js';
import { confirmDialog } from '../../common/js/ui.js';
import { api } from '../api.js';
import { session } from '../session.js';

/** The signing secret: hidden until revealed; rotation keeps the old one signing for a while. */
export function secretPanel(endpoint) {
  const value = h(
    'p',
    { class: 'secret-value', id: 'secret-value', 'aria-live': 'polite' },
    '••••••••••••••••',
  );
  const note = h('p', { class: 'hint', id: 'secret-note' });
  const show = (answer) => replace(value, answer.secret ?? answer.publicKey ?? 'No secret');

  const reveal = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      id: 'reveal-secret',
      onclick: async () => {
        try {
          show(await api('GET', `/v1/endpoints/${endpoint.id}/secret`));
          reveal.disabled = true;
        } catch (error) {
          replace(note, error.message);
        }
      },
    },
    'Reveal secret',
  );
  const rotate = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      id: 'rotate-secret',
      onclick: async () => {
        const sure = await confirmDialog({
          title: 'Rotate the signing secret?',
          message: 'A new secret signs from now on; the current one keeps signing alongside it for a while.',
          confirmLabel: 'Rotate',
        });
        if (!sure) return;
        try {
          const answer = await api('POST', `/v1/endpoints/${endpoint.id}/rotate-secret`);
          show(answer);
          reveal.disabled = true;
          const text = `Secret rotated. The previous secret keeps signing until ${new Date(answer.previousSecretsExpireAt).toLocaleString()}.`;
          replace(note, text);
          announce(text);
        } catch (error) {
          replace(note, error.message);
        }
      },
    },
    'Rotate secret',
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title' }, 'Signing secret'),
    h('p', { class: 'hint' }, 'Verify each webhook’s signature with it (Standard Webhooks).'),
    h('div', { class: 'secret-row' }, value, reveal, session.readOnly() ? null : rotate),
    note,
  );
}
