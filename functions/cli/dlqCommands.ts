import {
  type AttemptLogEntry,
  attemptedAtOf,
  type DeadLetterDetail,
  type DeadLetterItem,
  type Page,
  type SummaryGroup,
} from './apiTypes.ts';
import type { CommandContext, CommandSpec } from './CommandSpec.ts';
import { EXIT_CODES, type ExitCode } from './constants.ts';
import { dlqFilterFrom } from './dlqFilters.ts';
import { ApiCallError, CliError, UsageError } from './errors.ts';
import { type Column, formatDetails, formatTable, formatTime } from './formatTable.ts';
import { DLQ_FILTER_OPTIONS, PAGE_OPTIONS } from './globalOptions.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { printableText } from './printableText.ts';
import { printJson } from './printJson.ts';
import { redriveAll } from './redriveAll.ts';

const FILTER_USAGE =
  '[--tenant T] [--endpoint EP] [--event-type T] [--error-class C] [--since T] [--until T]';
const FILTER_DETAILS = [
  'Filters: --tenant, --endpoint (ep_...), --event-type, --error-class (http_500, timeout, connect, ...),',
  '  --since/--until: an ISO-8601 time or a duration ago (30m, 2h, 7d); until is exclusive.',
];

const DEAD_LETTER_COLUMNS: Column<DeadLetterItem>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'tenant', value: (d) => d.tenantId, max: 24 },
  { header: 'endpoint', value: (d) => d.endpointId },
  { header: 'event type', value: (d) => d.eventType, max: 32 },
  { header: 'error class', value: (d) => d.errorClass },
  { header: 'attempts', value: (d) => d.attempts, align: 'right' },
  { header: 'failed at', value: (d) => formatTime(d.failedAt) },
  {
    header: 'last error',
    value: (d) => d.lastError ?? (d.lastStatus === null ? null : `HTTP ${d.lastStatus}`),
  },
];

const ATTEMPT_COLUMNS: Column<AttemptLogEntry>[] = [
  { header: '#', value: (a) => a.attempt, align: 'right' },
  { header: 'attempted at', value: (a) => formatTime(attemptedAtOf(a)) },
  { header: 'status', value: (a) => a.status, align: 'right' },
  { header: 'latency', value: (a) => (a.latencyMs === null ? null : `${a.latencyMs} ms`), align: 'right' },
  { header: 'error class', value: (a) => a.errorClass },
  { header: 'error', value: (a) => a.errorMessage, max: 40 },
  { header: 'response', value: (a) => a.responseSnippet, max: 40 },
];

const SUMMARY_COLUMNS: Column<SummaryGroup>[] = [
  { header: 'tenant', value: (g) => g.tenantId, max: 24 },
  { header: 'endpoint', value: (g) => g.endpointId },
  { header: 'error class', value: (g) => g.errorClass },
  { header: 'count', value: (g) => g.count, align: 'right' },
  { header: 'first failed', value: (g) => formatTime(g.firstFailedAt) },
  { header: 'last failed', value: (g) => formatTime(g.lastFailedAt) },
];

const deadLetterPath = (id: string) => `/v1/dead-letters/${encodeURIComponent(id)}`;

export const dlqCommands: CommandSpec[] = [
  {
    words: ['dlq', 'ls'],
    usage: `${FILTER_USAGE} [--limit N] [--cursor C]`,
    summary: 'list dead letters, newest first (admin token)',
    details: FILTER_DETAILS,
    options: { ...DLQ_FILTER_OPTIONS, ...PAGE_OPTIONS },
    async run(ctx, { values }) {
      const api = await ctx.api();
      const response = await api.request<Page<DeadLetterItem>>('GET', '/v1/dead-letters', {
        query: {
          ...dlqFilterFrom(ctx, values),
          limit: parseIntFlag('limit', values.limit as string | undefined, 1, 100),
          cursor: values.cursor as string | undefined,
        },
      });
      if (ctx.json) return printJson(ctx, response);
      const { items, nextCursor } = response.json;
      if (items.length === 0) ctx.out('no dead letters');
      else for (const line of formatTable(DEAD_LETTER_COLUMNS, items)) ctx.out(line);
      if (nextCursor) ctx.err(`more: add --cursor ${nextCursor}`);
    },
  },
  {
    words: ['dlq', 'show'],
    usage: '<id>',
    summary: 'one dead letter: event body, signed headers, every attempt',
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { positionals: [id] }) {
      const api = await ctx.api();
      const response = await api.request<DeadLetterDetail>('GET', deadLetterPath(id as string));
      if (ctx.json) return printJson(ctx, response);
      printDetail(ctx, response.json);
    },
  },
  {
    words: ['dlq', 'redrive'],
    usage: `<id...> | --all ${FILTER_USAGE} [--batch N]`,
    summary: 'send dead letters again (same webhook-id, fresh attempts)',
    details: [
      'With ids: redrives each one. With --all: every dead letter matching the filters that failed',
      'before the command started, in batches of --batch (default 100), showing progress.',
      'With --json: ids print [{id, status, body}] per id; --all prints {count, remaining}.',
      ...FILTER_DETAILS,
    ],
    options: { ...DLQ_FILTER_OPTIONS, all: { type: 'boolean' }, batch: { type: 'string' } },
    positionals: { names: ['id'], min: 0, max: 100 },
    async run(ctx, { values, positionals }) {
      if (values.all) {
        if (positionals.length > 0) throw usage('give either ids or --all, not both');
        return redriveAll(ctx, dlqFilterFrom(ctx, values), values.batch as string | undefined);
      }
      if (positionals.length === 0)
        throw usage('missing <id> (or --all to redrive everything matching filters)');
      const filterFlags = Object.keys(DLQ_FILTER_OPTIONS).filter((flag) => values[flag] !== undefined);
      if (filterFlags.length > 0 || values.batch !== undefined) {
        throw usage(`--${filterFlags[0] ?? 'batch'} only applies with --all`);
      }
      await redriveIds(ctx, positionals);
    },
  },
  {
    words: ['dlq', 'discard'],
    usage: '<id>',
    summary: 'delete a dead letter for good',
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { positionals: [id] }) {
      const api = await ctx.api();
      const response = await api.request('DELETE', deadLetterPath(id as string));
      if (ctx.json) return printJson(ctx, response, { id, discarded: true });
      ctx.out(`discarded ${id}`);
    },
  },
  {
    words: ['dlq', 'summary'],
    usage: FILTER_USAGE,
    summary: 'dead-letter counts by tenant, endpoint and error class',
    details: FILTER_DETAILS,
    options: DLQ_FILTER_OPTIONS,
    async run(ctx, { values }) {
      const api = await ctx.api();
      const response = await api.request<{ total: number; groups: SummaryGroup[] }>(
        'GET',
        '/v1/dead-letters/summary',
        { query: dlqFilterFrom(ctx, values) },
      );
      if (ctx.json) return printJson(ctx, response);
      const { total, groups } = response.json;
      if (groups.length > 0) for (const line of formatTable(SUMMARY_COLUMNS, groups)) ctx.out(line);
      ctx.out(`total ${total} dead letter${total === 1 ? '' : 's'}`);
    },
  },
];

const usage = (message: string) =>
  new UsageError(message, 'rowhook dlq redrive <id...> | --all [filters] [--batch N]');

function printDetail(ctx: CommandContext, d: DeadLetterDetail): void {
  for (const line of formatDetails([
    ['id', d.id],
    ['tenant', d.tenantId],
    ['endpoint', d.endpointId],
    ['webhook-id', d.webhookId ?? d.eventId],
    ['event type', d.eventType],
    ['error class', d.errorClass],
    ['failed at', formatTime(d.failedAt)],
    ['attempts', d.attempts],
    ['last status', d.lastStatus],
    ['last error', d.lastError],
  ]))
    ctx.out(line);
  if (d.headers) {
    ctx.out('');
    ctx.out('signed headers of the last attempt');
    for (const line of formatDetails(Object.entries(d.headers))) ctx.out(`  ${line}`);
  }
  ctx.out('');
  ctx.out('body');
  ctx.out(printableText(d.body));
  ctx.out('');
  ctx.out('attempts');
  for (const line of formatTable(ATTEMPT_COLUMNS, d.attemptsLog)) ctx.out(`  ${line}`);
}

/** One POST per id so each missing id is reported by name; the worst outcome decides the exit code. */
async function redriveIds(ctx: CommandContext, ids: string[]): Promise<void> {
  const api = await ctx.api();
  const results: { id: string; status: number; body: unknown }[] = [];
  let worst: ExitCode = EXIT_CODES.ok;
  for (const id of ids) {
    try {
      const response = await api.request('POST', `${deadLetterPath(id)}/redrive`);
      results.push({ id, status: response.status, body: response.json });
      if (!ctx.json) ctx.out(`redriven ${id}`);
    } catch (error) {
      // A single id, or unreachable / 5xx (the remaining ids would fail the same way): report as is.
      if (ids.length === 1 || !(error instanceof ApiCallError) || error.exitCode === EXIT_CODES.unavailable) {
        throw error;
      }
      results.push({
        id,
        status: error.status ?? 0,
        body: { error: { code: error.apiCode, message: error.message } },
      });
      ctx.err(`rowhook: ${error.message}`);
      if (worst !== EXIT_CODES.refused) worst = error.exitCode;
    }
  }
  if (ctx.json) ctx.out(JSON.stringify(results));
  if (worst !== EXIT_CODES.ok) {
    const failed = results.filter((r) => r.status >= 400).length;
    throw new CliError(worst, `${failed} of ${ids.length} dead letters were not redriven`);
  }
}
