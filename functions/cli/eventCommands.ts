import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from './apiTypes.ts';
import type { CommandContext, CommandSpec } from './CommandSpec.ts';
import { UsageError } from './errors.ts';
import { type Column, formatTable, formatTime } from './formatTable.ts';
import { printJson } from './printJson.ts';

interface EventTypeItem {
  type: string;
  source: string;
  version: number | null;
  sourceTable: string | null;
  updatedAt: string | null;
}

const TYPE_COLUMNS: Column<EventTypeItem>[] = [
  { header: 'type', value: (t) => t.type, max: 50 },
  { header: 'source', value: (t) => (t.sourceTable ? `table ${t.sourceTable}` : t.source), max: 40 },
  { header: 'version', value: (t) => (t.version === null ? 'no schema' : String(t.version)) },
  { header: 'updated at', value: (t) => formatTime(t.updatedAt) },
];

const PUBLISH_USAGE =
  "<type> --data '{...}'|@file.json [--tenant T] [--idempotency-key K] [--ordering-key K]";

/** `--data` as a JSON object: inline JSON, or `@path` to read it from a file (relative to the cwd). */
async function readData(ctx: CommandContext, raw: string | undefined): Promise<Record<string, unknown>> {
  const usage = `rowhook events publish ${PUBLISH_USAGE}`;
  if (raw === undefined) throw new UsageError('missing --data (the event data, a JSON object)', usage);
  let text = raw;
  if (raw.startsWith('@')) {
    const file = path.resolve(ctx.cwd, raw.slice(1));
    text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--data ${raw}: cannot read ${file} (${error.code ?? error.message})`, usage);
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`, usage);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UsageError('--data must be a JSON object, e.g. \'{"invoice": "in_1"}\'', usage);
  return data as Record<string, unknown>;
}

export const eventCommands: CommandSpec[] = [
  {
    words: ['events', 'publish'],
    usage: PUBLISH_USAGE,
    summary:
      "publish an app-defined event to a tenant's endpoints (tenant key, or admin token with --tenant)",
    details: [
      'Prints the event id (the webhook-id of its deliveries). The same --idempotency-key within 24 h',
      "returns the first event's id and sends nothing new. Inside a database transaction use",
      'rowhook.publish(tenant_id, event_type, data) instead, so a rollback sends nothing.',
    ],
    options: {
      data: { type: 'string' },
      tenant: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'ordering-key': { type: 'string' },
    },
    positionals: { names: ['type'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [type] }) {
      const data = await readData(ctx, values.data as string | undefined);
      const api = await ctx.api();
      const optional = (name: string, value: unknown) => (value === undefined ? {} : { [name]: value });
      const response = await api.request<{ id: string }>('POST', '/v1/events', {
        body: {
          type,
          data,
          ...optional('tenantId', values.tenant),
          ...optional('idempotencyKey', values['idempotency-key']),
          ...optional('orderingKey', values['ordering-key']),
        },
      });
      if (ctx.json) return printJson(ctx, response);
      ctx.out(`published ${type} ${response.json.id}`);
    },
  },
  {
    words: ['events', 'types'],
    usage: '',
    summary: 'list the event catalog: every event type and its schema version (GET /v1/event-types)',
    details: ['--json prints each type with its JSON Schema and an example body.'],
    async run(ctx) {
      const api = await ctx.api();
      const response = await api.request<Page<EventTypeItem>>('GET', '/v1/event-types');
      if (ctx.json) return printJson(ctx, response);
      if (response.json.items.length === 0) ctx.out('no event types: track a table or publish an event');
      else for (const line of formatTable(TYPE_COLUMNS, response.json.items)) ctx.out(line);
    },
  },
];
