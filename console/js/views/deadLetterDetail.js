import { api } from '../api.js';
import { announce, h, replace } from '../dom.js';
import { errorClassBadge, time } from '../format.js';
import { href, navigate } from '../router.js';
import { confirmDialog, emptyState, errorBox, loading, pageHeading } from '../ui.js';
import { attemptTimeline, timelineItem } from './attemptTimeline.js';
import { prepareWatch } from './watchDelivery.js';

export function deadLetterDetailView(view, { params: [id] }) {
  const content = h('div', {}, loading('the dead letter'));
  view.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/dead-letters' }, '← All dead letters')),
    pageHeading(`Dead letter ${id}`),
    content,
  );
  load(content, id);
}

async function load(content, id) {
  let item;
  try {
    item = await api('GET', `/v1/dead-letters/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(
      content,
      error.status === 404
        ? emptyState(
            'Not in the dead-letter queue',
            'It was redriven or discarded, or the id is wrong. Redriven deliveries show in the endpoint’s delivery log.',
          )
        : errorBox(error),
    );
    return;
  }

  const status = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', id: 'detail-status' });
  const timeline = attemptTimeline(item.attemptsLog ?? []);
  const redriveButton = h(
    'button',
    { type: 'button', class: 'button primary', id: 'redrive-one' },
    'Redrive',
  );
  const discardButton = h('button', { type: 'button', class: 'button danger', id: 'discard-one' }, 'Discard');

  redriveButton.addEventListener('click', async () => {
    redriveButton.disabled = true;
    discardButton.disabled = true;
    let follow;
    try {
      follow = await prepareWatch(item);
      await api('POST', `/v1/dead-letters/${encodeURIComponent(id)}/redrive`);
    } catch (error) {
      status.textContent = `Not redriven: ${error.message}`;
      redriveButton.disabled = false;
      discardButton.disabled = false;
      return;
    }
    status.textContent = 'Redriven: queued for delivery with the same webhook-id. Watching for the result…';
    status.className = 'result pending';
    follow({
      onAttempt: (attempt) => timeline.querySelector('ol').append(timelineItem(attempt, { fresh: true })),
      onOutcome: ({ kind, text }) => {
        status.textContent = text;
        status.className = `result ${kind}`;
      },
    });
  });

  discardButton.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Discard this dead letter?',
      message: `${id} will never be delivered and cannot be redriven afterwards.`,
      confirmLabel: 'Discard',
    });
    if (!ok) return;
    try {
      await api('DELETE', `/v1/dead-letters/${encodeURIComponent(id)}`);
      announce(`Discarded ${id}.`);
      navigate('/dead-letters');
    } catch (error) {
      status.textContent = `Not discarded: ${error.message}`;
    }
  });

  replace(
    content,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'overview-title' },
      h('h2', { id: 'overview-title' }, 'Overview'),
      h(
        'dl',
        { class: 'facts' },
        fact('Tenant', h('a', { href: href('/endpoints', { tenantId: item.tenantId }) }, item.tenantId)),
        fact('Endpoint', h('span', { class: 'mono' }, item.endpointId)),
        fact('Event type', h('span', { class: 'mono' }, item.eventType)),
        fact('Webhook id', h('span', { class: 'mono' }, item.webhookId ?? item.eventId)),
        fact('Failed', time(item.failedAt)),
        fact('Attempts', String(item.attempts)),
        fact('Error class', errorClassBadge(item.errorClass)),
        fact('Last error', item.lastError ?? '—'),
      ),
      h('div', { class: 'actions' }, redriveButton, discardButton),
      status,
    ),
    h(
      'div',
      { class: 'two-columns' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'body-title' },
        h('h2', { id: 'body-title' }, 'Event body'),
        bodyView(item.body ?? ''),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'headers-title' },
        h('h2', { id: 'headers-title' }, 'Signed headers'),
        h('p', { class: 'hint' }, 'Of the last attempt; each attempt is signed afresh.'),
        headersList(item.headers),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Attempts'),
      timeline,
    ),
  );
}

/** The body exactly as sent, with a toggle to indent it (the exact bytes are what was signed). */
function bodyView(body) {
  let formatted;
  try {
    formatted = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    formatted = undefined;
  }
  const pre = h('pre', { class: 'code', tabindex: '0', 'aria-label': 'Event body as sent' }, body);
  const hint = h('p', { class: 'hint' }, 'Exactly as sent, byte for byte.');
  const toggle = h(
    'button',
    { type: 'button', class: 'button secondary small', 'aria-pressed': 'false' },
    'Indent JSON',
  );
  toggle.addEventListener('click', () => {
    const on = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(on));
    pre.textContent = on ? formatted : body;
    pre.setAttribute('aria-label', on ? 'Event body, indented' : 'Event body as sent');
    hint.textContent = on
      ? 'Indented for reading; the webhook carried the exact bytes.'
      : 'Exactly as sent, byte for byte.';
  });
  return h(
    'div',
    {},
    h('div', { class: 'section-head' }, hint, formatted === undefined ? null : toggle),
    pre,
  );
}

function fact(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

function headersList(headers) {
  if (!headers || Object.keys(headers).length === 0)
    return h('p', { class: 'muted' }, 'The API did not return the signed headers.');
  return h(
    'dl',
    { class: 'headers' },
    Object.entries(headers).map(([name, value]) =>
      h('div', {}, h('dt', { class: 'mono' }, name), h('dd', { class: 'mono' }, String(value))),
    ),
  );
}
