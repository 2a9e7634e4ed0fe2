import { setUnauthorizedHandler } from './api.js';
import { announce, h, replace } from './dom.js';
import { currentRoute, matchRoute, navigate } from './router.js';
import { session } from './session.js';
import { pageHeading } from './ui.js';
import { chartsView } from './views/charts.js';
import { deadLetterDetailView } from './views/deadLetterDetail.js';
import { deadLettersView } from './views/deadLetters.js';
import { endpointsView } from './views/endpoints.js';
import { eventTypesView } from './views/eventTypes.js';
import { operationalEventsView } from './views/operationalEvents.js';
import { signInView } from './views/signIn.js';
import { tenantsView } from './views/tenants.js';

const routes = [
  { pattern: /^\/sign-in$/, view: signInView, nav: null, public: true },
  { pattern: /^\/dead-letters$/, view: deadLettersView, nav: 'dead-letters' },
  { pattern: /^\/dead-letters\/([^/]+)$/, view: deadLetterDetailView, nav: 'dead-letters' },
  { pattern: /^\/endpoints$/, view: endpointsView, nav: 'endpoints' },
  { pattern: /^\/tenants$/, view: tenantsView, nav: 'tenants' },
  { pattern: /^\/events$/, view: operationalEventsView, nav: 'events' },
  { pattern: /^\/event-types$/, view: eventTypesView, nav: 'event-types' },
  { pattern: /^\/charts$/, view: chartsView, nav: 'charts' },
];

const main = document.getElementById('main');
let signInMessage;

function render() {
  const { path, query } = currentRoute();
  if (path === '/') return navigate(session.token() ? '/dead-letters' : '/sign-in');
  const found = matchRoute(routes, path);
  if (!found?.route.public && !session.token()) return navigate('/sign-in');
  if (found?.route.public && session.token()) return navigate('/dead-letters');
  updateChrome(found?.route.nav);

  const view = h('div', { class: 'view' });
  replace(main, view);
  if (!found) {
    view.append(pageHeading('Page not found'), h('p', {}, 'There is no such page in the console.'));
  } else {
    found.route.view(view, { params: found.params, query, message: signInMessage });
    signInMessage = undefined;
  }
  // Focus follows the view change so keyboard and screen-reader users start at its heading.
  const heading = view.querySelector('h1');
  (view.querySelector('[data-autofocus]') ?? heading)?.focus();
  if (heading) announce(`${heading.textContent} page`);
}

function updateChrome(active) {
  const signedIn = Boolean(session.token());
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

setUnauthorizedHandler(() => {
  session.signOut();
  signInMessage = 'The admin token was not accepted any more. Sign in again.';
  navigate('/sign-in');
});

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  signInMessage = 'Signed out.';
  navigate('/sign-in');
});

// "#main" would be taken for a route: the skip link moves focus itself.
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});

window.addEventListener('hashchange', render);
render();
