import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A <time> element: machine-readable ISO, human-readable local time. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', {}, String(iso));
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, dateTime.format(date));
}

export function percent(rate) {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

export function statusBadge(status) {
  if (status === null || status === undefined) return h('span', { class: 'badge neutral' }, 'no response');
  const kind = status >= 200 && status < 300 ? 'ok' : status >= 500 ? 'error' : 'warn';
  return h('span', { class: `badge ${kind}` }, `HTTP ${status}`);
}

export function errorClassBadge(errorClass) {
  if (!errorClass) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'badge error mono' }, errorClass);
}

/** Plural-aware count: count(3, 'dead letter') → "3 dead letters". */
export function count(n, noun) {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

/** datetime-local value (local time) ⇄ ISO string. */
export function isoFromLocalInput(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function localInputFromIso(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
