import { announce, h, replace } from '../common/js/dom.js';
import { currentRoute, matchRoute, navigate } from '../common/js/router.js';
import { pageHeading } from '../common/js/ui.js';
import { setUnauthorizedHandler } from './api.js';
import { session, takeTokenFromUrl } from './session.js';
import { endpointDetailView } from './views/endpointDetail.js';
import { endpointFormView } from './views/endpointForm.js';
import { endpointListView } from './views/endpointList.js';
import { signIn, signInView } from './views/signIn.js';

const routes = [
  { pattern: /^\/sign-in$/, view: signInView, public: true },
  { pattern: /^\/endpoints$/, view: endpointListView },
  { pattern: /^\/endpoints\/new$/, view: endpointFormView, writes: true },
  { pattern: /^\/endpoints\/([^/]+)\/edit$/, view: endpointFormView, writes: true },
  { pattern: /^\/endpoints\/([^/]+)$/, view: endpointDetailView },
];

const main = document.getElementById('main');
let signInMessage;

function render() {
  const { path, query } = currentRoute();
  const signedIn = Boolean(session.token());
  if (path === '/') return navigate(signedIn ? '/endpoints' : '/sign-in');
  const found = matchRoute(routes, path);
  if (!found?.route.public && !signedIn) return navigate('/sign-in');
  if (found?.route.public && signedIn) return navigate('/endpoints');
  updateChrome(found ? 'endpoints' : null);

  const view = h('div', { class: 'view' });
  replace(main, view);
  if (!found || (found.route.writes && session.readOnly())) {
    view.append(
      pageHeading(found ? 'Read-only session' : 'Page not found'),
      h('p', {}, found ? 'This session can look but not change anything.' : 'There is no such page.'),
    );
  } else {
    found.route.view(view, { params: found.params, query, message: signInMessage });
    signInMessage = undefined;
  }
  document.title = document.title.replace('Rowhook console', 'Webhooks');
  // Focus follows the view change so keyboard and screen-reader users start at its heading.
  const heading = view.querySelector('h1');
  (view.querySelector('[data-autofocus]') ?? heading)?.focus();
  if (heading) announce(`${heading.textContent} page`);
}

function updateChrome(active) {
  const info = session.token() ? session.info() : null;
  document.getElementById('nav').hidden = !info;
  document.getElementById('sign-out').hidden = !info;
  const badge = document.getElementById('session-info');
  badge.hidden = !info;
  replace(
    badge,
    info ? `Signed in for ${info.tenantId}` : '',
    info?.readOnly ? h('span', { class: 'badge info', id: 'read-only-badge' }, 'Read-only') : null,
  );
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

setUnauthorizedHandler((error) => {
  session.signOut();
  signInMessage = error.message;
  navigate('/sign-in');
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  signInMessage = 'Signed out.';
  navigate('/sign-in');
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});

async function start() {
  const token = takeTokenFromUrl();
  if (token) {
    session.signOut();
    try {
      await signIn(token);
    } catch (error) {
      signInMessage = error.message;
    }
  }
  window.addEventListener('hashchange', render);
  render();
}

start();
