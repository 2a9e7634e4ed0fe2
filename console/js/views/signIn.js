import { api } from '../api.js';
import { h } from '../dom.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { pageHeading } from '../ui.js';

export function signInView(view, { message }) {
  const input = h('input', {
    id: 'admin-token',
    name: 'admin-token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'data-autofocus': true,
    'aria-describedby': 'admin-token-hint',
  });
  const error = h('p', { class: 'field-error', id: 'admin-token-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');

  const onSubmit = async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!token) return fail('Enter the admin token.');
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      // Any operator route checks the token; the smallest answer will do.
      await api('GET', '/v1/tenants', { token, query: { limit: 1 } });
      session.signIn(token);
      navigate('/dead-letters');
    } catch (cause) {
      fail(
        cause.status === 401 || cause.status === 403
          ? 'That is not the admin token. Tenant API keys (rk_…) cannot sign in here.'
          : cause.message,
      );
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  };
  const fail = (text) => {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'admin-token-hint admin-token-error');
    input.focus();
  };

  view.classList.add('sign-in');
  view.append(
    h(
      'div',
      { class: 'card sign-in-card' },
      pageHeading('Sign in'),
      message ? h('p', { class: 'notice info', role: 'status' }, message) : null,
      // method=post: even if the script did not run, the token would never land in a URL.
      h(
        'form',
        { method: 'post', onsubmit: onSubmit, novalidate: true },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'admin-token' }, 'Admin token'),
          input,
          h(
            'p',
            { class: 'hint', id: 'admin-token-hint' },
            'Locally it is in ',
            h('code', {}, '.rowhook/admin-token'),
            '; on AWS in the admin-token secret (see docs/deploy.md). ',
            'It is kept in this tab only and forgotten when you close it or sign out.',
          ),
          error,
        ),
        submit,
      ),
    ),
  );
}
