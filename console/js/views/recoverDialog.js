import { api } from '../api.js';
import { announce, h } from '../dom.js';

const WINDOWS = [
  ['1h', 'The last hour', 3_600_000],
  ['6h', 'The last 6 hours', 6 * 3_600_000],
  ['24h', 'The last 24 hours', 24 * 3_600_000],
  ['7d', 'The last 7 days', 7 * 24 * 3_600_000],
];
const POLL_MS = 300;

/**
 * "Recover…" on an endpoint: a modal (native <dialog>: focus inside, Escape closes, focus returns to
 * the button) that starts a recover job for a window and follows it to the end with a progress bar,
 * and resends a single event by id.
 */
export function recoverButton(endpoint) {
  const button = h(
    'button',
    { type: 'button', class: 'button secondary small', 'aria-label': `Recover ${endpoint.url}…` },
    'Recover…',
  );
  button.dataset.endpointRecover = endpoint.id;
  button.addEventListener('click', () => openRecoverDialog(endpoint, button));
  return button;
}

/** A form's submit handler that stays on the page and runs `work`. */
const submitting = (work) => (event) => {
  event.preventDefault();
  work();
};

function openRecoverDialog(endpoint, opener) {
  const path = `/v1/endpoints/${encodeURIComponent(endpoint.id)}`;
  const since = h(
    'select',
    { id: 'recover-since', name: 'since' },
    WINDOWS.map(([value, label]) => h('option', { value }, label)),
  );
  const progress = h('progress', {
    id: 'recover-progress',
    max: 1,
    value: 0,
    'aria-label': 'Recovery progress',
  });
  progress.hidden = true;
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'result', id: 'recover-status' });
  const start = h('button', { type: 'submit', class: 'button primary' }, 'Start recovery');
  const eventInput = h('input', {
    id: 'resend-event',
    name: 'eventId',
    placeholder: 'evt_…',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'mono',
  });
  const resendStatus = h('p', {
    role: 'status',
    'aria-live': 'polite',
    class: 'result',
    id: 'resend-status',
  });
  const close = h('button', { type: 'button', class: 'button secondary' }, 'Close');
  const dialog = h(
    'dialog',
    { id: 'recover-dialog', 'aria-labelledby': 'recover-title' },
    h('h2', { id: 'recover-title' }, 'Recover this endpoint'),
    h('p', { class: 'mono small' }, endpoint.url),
    h(
      'p',
      {},
      'Send every event matched to it in a window again, oldest first, with the same webhook-ids. ' +
        'Only events still kept (the retention window) can be sent.',
    ),
    h(
      'form',
      { onsubmit: submitting(runRecovery) },
      h('div', { class: 'field' }, h('label', { for: 'recover-since' }, 'Events since'), since),
      h('div', { class: 'actions' }, start),
    ),
    progress,
    status,
    h(
      'form',
      { onsubmit: submitting(resend) },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'resend-event' }, 'Resend one event (its id)'),
        eventInput,
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button secondary' }, 'Resend')),
    ),
    resendStatus,
    h('div', { class: 'actions' }, close),
  );
  const finish = () => {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (opener.isConnected) opener.focus();
  };
  close.addEventListener('click', finish);
  dialog.addEventListener('close', finish);
  document.body.append(dialog);
  dialog.showModal();
  since.focus();

  const show = (element, text, kind) => {
    element.textContent = text;
    element.className = `result ${kind}`;
  };

  async function runRecovery() {
    start.disabled = true;
    const windowMs = WINDOWS.find(([value]) => value === since.value)?.[2] ?? WINDOWS[0][2];
    try {
      let job = await api('POST', `${path}/recover`, {
        body: { since: new Date(Date.now() - windowMs).toISOString() },
      });
      progress.hidden = false;
      while (job.status === 'running' && dialog.open) {
        progress.max = Math.max(job.total, 1);
        progress.value = job.sent;
        show(status, `Re-sending… ${job.sent} of ${job.total}`, '');
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        job = await api('GET', `/v1/recoveries/${encodeURIComponent(job.id)}`);
      }
      progress.max = Math.max(job.total, 1);
      progress.value = job.total === 0 ? 1 : job.sent;
      const truncated = job.truncatedAt ? ` Events before ${job.truncatedAt} are no longer kept.` : '';
      const message =
        job.status === 'failed'
          ? `Recovery stopped after ${job.sent} of ${job.total}: ${job.error}`
          : `Re-sent ${job.sent} of ${job.total} event${job.total === 1 ? '' : 's'}.${truncated}`;
      show(status, message, job.status === 'failed' ? 'error' : 'ok');
      announce(message);
    } catch (error) {
      show(status, `Could not recover: ${error.message}`, 'error');
    } finally {
      start.disabled = false;
    }
  }

  async function resend() {
    const eventId = eventInput.value.trim();
    if (!eventId) {
      show(resendStatus, 'Enter the id of the event to resend (evt_…).', 'error');
      eventInput.focus();
      return;
    }
    try {
      await api('POST', `${path}/events/${encodeURIComponent(eventId)}/resend`);
      show(resendStatus, `${eventId} queued again, with the same webhook-id.`, 'ok');
    } catch (error) {
      show(resendStatus, `Could not resend: ${error.message}`, 'error');
    }
  }
}
