import { api } from '../api.js';
import { announce, h, replace } from '../dom.js';
import { count, errorClassBadge, time } from '../format.js';
import { compact, discardSelected, redriveMatching, redriveSelected } from '../redrive.js';
import { href, navigate } from '../router.js';
import { REDRIVE_OUTCOMES } from '../shared/redriveAllMatching.js';
import { confirmDialog, emptyState, errorBox, loading, pageHeading, table } from '../ui.js';
import { filterForm } from './deadLetterFilters.js';

const FILTER_KEYS = ['tenantId', 'endpointId', 'eventType', 'errorClass', 'from', 'to'];
const SUMMARY_KEYS = ['tenantId', 'endpointId', 'eventType', 'from', 'to'];
const PAGE_SIZE = 50;

export function deadLettersView(view, { query }) {
  const filter = Object.fromEntries(FILTER_KEYS.map((key) => [key, query.get(key) ?? '']));
  const filtered = FILTER_KEYS.some((key) => filter[key]);
  const selected = new Set();

  const summarySection = h('section', { 'aria-labelledby': 'summary-title', class: 'card' });
  const listContent = h('div', {});
  const progress = h('progress', { id: 'bulk-progress', max: 1, value: 0, hidden: true });
  const progressText = h('p', { id: 'bulk-status', role: 'status', 'aria-live': 'polite' });
  const redriveSelectedButton = h('button', { type: 'button', class: 'button primary', disabled: true });
  const discardSelectedButton = h('button', { type: 'button', class: 'button danger', disabled: true });
  const redriveAllButton = h('button', { type: 'button', class: 'button primary' }, 'Redrive all matching');
  const cancelButton = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Stop');
  let cancelled = false;

  const updateSelectionButtons = () => {
    redriveSelectedButton.textContent = `Redrive selected (${selected.size})`;
    discardSelectedButton.textContent = `Discard selected (${selected.size})`;
    redriveSelectedButton.disabled = selected.size === 0;
    discardSelectedButton.disabled = selected.size === 0;
  };
  updateSelectionButtons();

  const busy = (on) => {
    for (const button of [redriveSelectedButton, discardSelectedButton, redriveAllButton])
      button.disabled = on;
    cancelButton.hidden = !on;
    progress.hidden = !on;
    if (!on) updateSelectionButtons();
  };
  const showProgress = (done, total, text) => {
    progress.max = Math.max(total, 1);
    progress.value = done;
    progressText.textContent = text;
  };

  const runBulk = async (action) => {
    cancelled = false;
    busy(true);
    try {
      const message = await action();
      progressText.textContent = message;
      selected.clear();
      await refresh();
    } catch (error) {
      progressText.textContent = `Stopped: ${error.message}`;
    } finally {
      busy(false);
    }
  };

  redriveAllButton.addEventListener('click', async () => {
    const what = filtered ? 'every dead letter matching the filter' : 'every dead letter of every tenant';
    const ok = await confirmDialog({
      title: 'Redrive all matching?',
      message: `This sends ${what} again, with the same webhook-id and a fresh attempt budget.`,
      confirmLabel: 'Redrive all',
    });
    if (!ok) return;
    await runBulk(async () => {
      showProgress(0, 1, 'Redriving…');
      const result = await redriveMatching(compact(filter), {
        isCancelled: () => cancelled,
        onProgress: ({ done, remaining }) =>
          showProgress(done, done + (remaining ?? 0), `Redriven ${done} of ${done + (remaining ?? 0)}…`),
      });
      return redriveAllMessage(result);
    });
  });

  redriveSelectedButton.addEventListener('click', () =>
    runBulk(async () => {
      const ids = [...selected];
      showProgress(0, ids.length, `Redriving ${count(ids.length, 'dead letter')}…`);
      const result = await redriveSelected(ids, {
        onProgress: ({ done, processed, total }) =>
          showProgress(processed, total, `Redriven ${done} of ${total}…`),
      });
      return `Redrove ${count(result.done, 'dead letter')}.`;
    }),
  );

  discardSelectedButton.addEventListener('click', async () => {
    const ids = [...selected];
    const ok = await confirmDialog({
      title: `Discard ${count(ids.length, 'dead letter')}?`,
      message: 'Discarded deliveries are never sent and cannot be redriven afterwards.',
      confirmLabel: 'Discard',
    });
    if (!ok) return;
    await runBulk(async () => {
      showProgress(0, ids.length, `Discarding ${count(ids.length, 'dead letter')}…`);
      const result = await discardSelected(ids, {
        onProgress: ({ done, processed, total }) =>
          showProgress(processed, total, `Discarded ${done} of ${total}…`),
      });
      return `Discarded ${count(result.done, 'dead letter')}.`;
    });
  });

  cancelButton.addEventListener('click', () => {
    cancelled = true;
    progressText.textContent = 'Stopping after this batch…';
  });

  const refresh = async () => {
    await Promise.all([
      loadSummary(summarySection, filter),
      loadList(listContent, filter, selected, updateSelectionButtons),
    ]);
  };

  view.append(
    pageHeading(
      'Dead letters',
      h(
        'p',
        { class: 'lede' },
        'Deliveries that ran out of attempts. Inspect them, redrive them or discard them.',
      ),
    ),
    filterForm(filter, (next) => navigate('/dead-letters', next)),
    summarySection,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'list-title' },
      h('h2', { id: 'list-title' }, 'Dead letters'),
      h(
        'div',
        { class: 'bulk-bar', role: 'group', 'aria-label': 'Bulk actions' },
        h(
          'div',
          { class: 'actions' },
          redriveSelectedButton,
          discardSelectedButton,
          redriveAllButton,
          cancelButton,
        ),
        h(
          'div',
          { class: 'progress-row' },
          h('label', { for: 'bulk-progress', class: 'visually-hidden' }, 'Progress'),
          progress,
          progressText,
        ),
      ),
      listContent,
    ),
  );
  refresh();
}

/** Only a finished run is a success; otherwise say how many still match and why they were left. */
function redriveAllMessage({ outcome, done, remaining }) {
  const redrove = count(done, 'dead letter');
  if (outcome === REDRIVE_OUTCOMES.stalled)
    return `Stalled after redriving ${redrove}: ${remaining} still match but could not be redriven now. Try again.`;
  if (outcome === REDRIVE_OUTCOMES.cancelled)
    return `Stopped after redriving ${redrove}; ${remaining} still match.`;
  return `Redrove ${redrove}.`;
}

async function loadSummary(section, filter) {
  replace(section, h('h2', { id: 'summary-title' }, 'By tenant, endpoint and error'), loading('the summary'));
  let summary;
  try {
    summary = await api('GET', '/v1/dead-letters/summary', {
      query: Object.fromEntries(SUMMARY_KEYS.map((key) => [key, filter[key]])),
    });
  } catch (error) {
    section.lastChild.replaceWith(
      error.status === 404 ? emptyState('The summary is not available on this API.') : errorBox(error),
    );
    return;
  }
  const groups = summary.groups.filter(
    (group) => !filter.errorClass || group.errorClass === filter.errorClass,
  );
  if (groups.length === 0) {
    section.lastChild.replaceWith(
      emptyState('No dead letters', 'Nothing matches: every delivery got through.'),
    );
    return;
  }
  section.lastChild.replaceWith(
    h('p', { class: 'muted' }, `${count(summary.total, 'dead letter')} in ${count(groups.length, 'group')}.`),
    table({
      caption: 'Dead letters grouped by tenant, endpoint and error class',
      columns: [
        'Tenant',
        'Endpoint',
        'Error',
        { label: 'Count', className: 'num' },
        'First failed',
        'Last failed',
        'Actions',
      ],
      rows: groups.map((group) =>
        h(
          'tr',
          {},
          h('td', {}, group.tenantId),
          h('td', { class: 'mono' }, group.endpointId),
          h('td', {}, errorClassBadge(group.errorClass)),
          h('td', { class: 'num' }, group.count.toLocaleString()),
          h('td', {}, time(group.firstFailedAt)),
          h('td', {}, time(group.lastFailedAt)),
          h(
            'td',
            {},
            h(
              'a',
              {
                href: href('/dead-letters', {
                  ...filter,
                  tenantId: group.tenantId,
                  endpointId: group.endpointId,
                  errorClass: group.errorClass,
                }),
                'aria-label': `Show the ${group.count} dead letters of ${group.endpointId} with ${group.errorClass}`,
              },
              'Show',
            ),
          ),
        ),
      ),
    }),
  );
}

async function loadList(content, filter, selected, onSelectionChange) {
  replace(content, loading('dead letters'));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all shown' });
  let cursor = null;
  let shown = 0;

  const checkboxes = () => [...body.querySelectorAll('input[type=checkbox]')];
  selectAll.addEventListener('change', () => {
    for (const box of checkboxes()) {
      box.checked = selectAll.checked;
      if (selectAll.checked) selected.add(box.value);
      else selected.delete(box.value);
    }
    onSelectionChange();
  });

  const loadPage = async () => {
    const page = await api('GET', '/v1/dead-letters', {
      query: { ...compact(filter), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
    });
    for (const item of page.items) body.append(row(item, selected, onSelectionChange));
    shown += page.items.length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    return page.items.length;
  };

  try {
    await loadPage();
  } catch (error) {
    replace(content, errorBox(error, 'The dead letters could not be loaded'));
    return;
  }
  if (shown === 0) {
    replace(content, emptyState('No dead letters match', 'Change or clear the filter to see more.'));
    return;
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const added = await loadPage();
      announce(`${added} more loaded, ${shown} shown.`);
      // Focus the first new row's link so keyboard users continue where the list grew.
      body.querySelectorAll('tr')[shown - added]?.querySelector('a')?.focus();
    } catch (error) {
      more.replaceWith(errorBox(error));
    } finally {
      more.disabled = false;
    }
  });
  replace(
    content,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'dead-letters' },
        h('caption', { class: 'visually-hidden' }, 'Dead letters, newest failure first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'select' }, selectAll),
            ['Dead letter', 'Failed', 'Tenant', 'Endpoint', 'Event type', 'Error', 'Attempts'].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        body,
      ),
    ),
    more,
  );
}

function row(item, selected, onSelectionChange) {
  const box = h('input', {
    type: 'checkbox',
    value: item.id,
    'aria-label': `Select ${item.id}`,
    checked: selected.has(item.id),
  });
  box.addEventListener('change', () => {
    if (box.checked) selected.add(item.id);
    else selected.delete(item.id);
    onSelectionChange();
  });
  return h(
    'tr',
    {},
    h('td', { class: 'select' }, box),
    h(
      'td',
      { class: 'mono' },
      h('a', { href: href(`/dead-letters/${encodeURIComponent(item.id)}`) }, item.id),
    ),
    h('td', {}, time(item.failedAt)),
    h('td', {}, item.tenantId),
    h('td', { class: 'mono' }, item.endpointId),
    h('td', { class: 'mono nowrap' }, item.eventType),
    h(
      'td',
      {},
      errorClassBadge(item.errorClass),
      item.lastError ? h('span', { class: 'small muted block' }, item.lastError) : null,
    ),
    h('td', { class: 'num' }, item.attempts),
  );
}
