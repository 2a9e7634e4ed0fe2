import { h } from '../../common/js/dom.js';
import { navigate } from '../../common/js/router.js';
import { pageHeading } from '../../common/js/ui.js';
import { api } from '../api.js';
import { session } from '../session.js';

/** Checks a portal token (or API key) with the API and keeps it for this tab. */
export async function signIn(token) {
  const info = await api('GET', '/v1/portal-session', { token });
  session.signIn(token, info);
}

/**
 * Reached without a token (or after it expired): the portal is normally opened from a link your
 * application makes; a token can also be pasted here.
 */
export function signInView(view, { message }) {
  const input = h('input', {
    id: 'portal-token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    'data-autofocus': true,
    'aria-describedby': 'portal-token-hint',
  });
  const error = h('p', { class: 'field-error', id: 'portal-token-error', role: 'alert' });
  const onSubmit = async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await signIn(input.value.trim());
      navigate('/endpoints');
    } catch (cause) {
      error.textContent = cause.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  };
  view.classList.add('sign-in');
  view.append(
    h(
      'div',
      { class: 'card sign-in-card' },
      pageHeading('Sign in'),
      message ? h('p', { class: 'notice info', role: 'status' }, message) : null,
      h(
        'form',
        { method: 'post', onsubmit: onSubmit, novalidate: true },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'portal-token' }, 'Portal token'),
          input,
          h(
            'p',
            { class: 'hint', id: 'portal-token-hint' },
            'Open this portal from the link in your application’s settings, or paste a portal token (rps_…).',
          ),
          error,
        ),
        h('button', { type: 'submit', class: 'button primary' }, 'Sign in'),
      ),
    ),
  );
}
