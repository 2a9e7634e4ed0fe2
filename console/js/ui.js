import { h } from './dom.js';

/** A view's heading: focused on navigation so screen readers announce the new view. */
export function pageHeading(title, ...rest) {
  document.title = `${title} · Rowhook console`;
  return h('div', { class: 'page-heading' }, h('h1', { tabindex: '-1', id: 'page-title' }, title), ...rest);
}

export function loading(what) {
  return h('p', { class: 'muted loading', role: 'status' }, `Loading ${what}…`);
}

export function errorBox(error, title = 'Something went wrong') {
  return h(
    'div',
    { class: 'notice error', role: 'alert' },
    h('p', { class: 'notice-title' }, title),
    h('p', {}, error?.message ?? String(error)),
    error?.code ? h('p', { class: 'muted mono small' }, `code: ${error.code}`) : null,
  );
}

export function emptyState(title, text) {
  return h(
    'div',
    { class: 'notice empty' },
    h('p', { class: 'notice-title' }, title),
    text ? h('p', {}, text) : null,
  );
}

/** A labelled form field; `control` is the input/select element (its id ties the label). */
export function field(label, control, hint) {
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

/**
 * A modal confirmation (native <dialog>: focus moves into it, Escape cancels, focus returns to the
 * button that opened it). Resolves true on confirm.
 */
export function confirmDialog({ title, message, confirmLabel }) {
  const dialog = document.getElementById('confirm-dialog');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const opener = document.activeElement;
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-message').textContent = message;
  ok.textContent = confirmLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    };
    const onOk = () => finish(true);
    const onCancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    // The safe choice has the focus: Enter does not destroy anything by accident.
    cancel.focus();
  });
}

/** A table with a caption (for screen readers) and column headers. */
export function table({ caption, columns, rows, className = '' }) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((column) => h('th', { scope: 'col', class: column.className }, column.label ?? column)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}
