import type { EndpointHealth, EndpointItem, Page } from './apiTypes.ts';
import type { CommandContext, CommandSpec, OptionValues } from './CommandSpec.ts';
import { UsageError } from './errors.ts';
import { type CellValue, type Column, formatDetails, formatTable, formatTime } from './formatTable.ts';
import { PAGE_OPTIONS } from './globalOptions.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { parseListFlag } from './parseListFlag.ts';
import { printJson } from './printJson.ts';

const TENANT_OPTION = { tenant: { type: 'string' } } as const;

const successRate = (h: EndpointHealth | undefined): CellValue =>
  !h
    ? undefined
    : h.successRate === null
      ? 'no attempts'
      : `${Math.round(h.successRate * 100)}% of ${h.attempts24h}`;

const ENDPOINT_COLUMNS: Column<EndpointItem>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'url', value: (e) => e.url, max: 40 },
  {
    header: 'enabled',
    value: (e) => (e.enabled ? 'yes' : `no${e.disabledReason ? ` (${e.disabledReason})` : ''}`),
    max: 30,
  },
  { header: 'event types', value: (e) => e.eventTypes?.join(',') ?? '*', max: 30 },
];

const HEALTH_COLUMNS: Column<EndpointItem>[] = [
  { header: 'success 24h', value: (e) => successRate(e.health) },
  { header: 'last failure', value: (e) => formatTime(e.health?.lastFailureAt) },
];

/**
 * Operators name the tenant (`--tenant T`, admin token, /v1/tenants/T/endpoints); a tenant's own API
 * key uses /v1/endpoints and sees only its endpoints.
 */
function basePath(values: OptionValues): string {
  const tenant = values.tenant as string | undefined;
  return tenant === undefined ? '/v1/endpoints' : `/v1/tenants/${encodeURIComponent(tenant)}/endpoints`;
}

const endpointPath = (values: OptionValues, id: string) => `${basePath(values)}/${encodeURIComponent(id)}`;

function tenantKeyOnly(values: OptionValues, command: string): void {
  if (values.tenant !== undefined) {
    throw new UsageError(
      `endpoints ${command} is done with the tenant's own API key (--token rk_...), without --tenant`,
      `rowhook endpoints ${command} ...`,
    );
  }
}

function printEndpoint(ctx: CommandContext, e: EndpointItem): void {
  const h = e.health;
  for (const line of formatDetails([
    ['id', e.id],
    ['url', e.url],
    ['description', e.description],
    ['enabled', e.enabled ? 'yes' : 'no'],
    ['disabled reason', e.enabled ? undefined : e.disabledReason],
    ['event types', e.eventTypes?.join(', ') ?? '* (all)'],
    ['filter', e.filter ? JSON.stringify(e.filter) : undefined],
    ['transport', e.transport],
    ['ordering', e.ordering],
    ['created at', formatTime(e.createdAt)],
    ['updated at', formatTime(e.updatedAt)],
    ...(h
      ? ([
          ['success 24h', successRate(h)],
          ['last success', formatTime(h.lastSuccessAt)],
          ['last failure', formatTime(h.lastFailureAt)],
          ['last failure error', h.lastFailureError],
        ] as const)
      : []),
  ]))
    ctx.out(line);
}

function setEnabled(enabled: boolean): CommandSpec['run'] {
  return async (ctx, { values, positionals: [id] }) => {
    const api = await ctx.api();
    const reason = values.reason as string | undefined;
    if (reason !== undefined && values.tenant === undefined) {
      throw new UsageError('--reason is recorded by the operator route: add --tenant T (admin token)');
    }
    const response =
      values.tenant === undefined
        ? await api.request<EndpointItem>('PATCH', endpointPath(values, id as string), { body: { enabled } })
        : await api.request<EndpointItem>(
            'POST',
            `${endpointPath(values, id as string)}/${enabled ? 'enable' : 'disable'}`,
            {
              body: reason === undefined ? {} : { reason },
            },
          );
    if (ctx.json) return printJson(ctx, response);
    ctx.out(`${enabled ? 'enabled' : 'disabled'} ${response.json.id}`);
  };
}

export const endpointCommands: CommandSpec[] = [
  {
    words: ['endpoints', 'ls'],
    usage: '[--tenant T] [--limit N] [--cursor C]',
    summary: "list endpoints: a tenant's with --tenant (admin token, with health), else the API key's own",
    options: { ...TENANT_OPTION, ...PAGE_OPTIONS },
    async run(ctx, { values }) {
      const api = await ctx.api();
      const response = await api.request<Page<EndpointItem>>('GET', basePath(values), {
        query: {
          limit: parseIntFlag('limit', values.limit as string | undefined, 1, 100),
          cursor: values.cursor as string | undefined,
        },
      });
      if (ctx.json) return printJson(ctx, response);
      const { items, nextCursor } = response.json;
      const columns = items.some((e) => e.health)
        ? [...ENDPOINT_COLUMNS, ...HEALTH_COLUMNS]
        : ENDPOINT_COLUMNS;
      if (items.length === 0) ctx.out('no endpoints');
      else for (const line of formatTable(columns, items)) ctx.out(line);
      if (nextCursor) ctx.err(`more: add --cursor ${nextCursor}`);
    },
  },
  {
    words: ['endpoints', 'create'],
    usage:
      '<url> [--description D] [--event-types a,b.*] [--filter JSON] [--disabled] [--ordering none|per-key]',
    summary: 'register an endpoint and print its signing secret (tenant API key)',
    options: {
      ...TENANT_OPTION,
      description: { type: 'string' },
      'event-types': { type: 'string' },
      filter: { type: 'string' },
      disabled: { type: 'boolean' },
      ordering: { type: 'string' },
    },
    // A positional, not --url: that flag is the API's URL.
    positionals: { names: ['url'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [url] }) {
      tenantKeyOnly(values, 'create');
      let filter: unknown;
      if (typeof values.filter === 'string') {
        try {
          filter = JSON.parse(values.filter);
        } catch {
          throw new UsageError(`--filter is not JSON: ${values.filter}`);
        }
      }
      const api = await ctx.api();
      const response = await api.request<EndpointItem>('POST', '/v1/endpoints', {
        body: {
          url,
          ...(values.description === undefined ? {} : { description: values.description }),
          ...(typeof values['event-types'] === 'string'
            ? { eventTypes: parseListFlag('event-types', values['event-types']) }
            : {}),
          ...(filter === undefined ? {} : { filter }),
          ...(values.disabled ? { enabled: false } : {}),
          ...(values.ordering === undefined ? {} : { ordering: values.ordering }),
        },
      });
      if (ctx.json) return printJson(ctx, response);
      printEndpoint(ctx, response.json);
      ctx.out(`signing secret: ${response.json.secret}`);
    },
  },
  {
    words: ['endpoints', 'show'],
    usage: '<id> [--tenant T]',
    summary: 'one endpoint (with --tenant: its delivery health)',
    options: TENANT_OPTION,
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [id] }) {
      const api = await ctx.api();
      const response = await api.request<EndpointItem>('GET', endpointPath(values, id as string));
      if (ctx.json) return printJson(ctx, response);
      printEndpoint(ctx, response.json);
    },
  },
  {
    words: ['endpoints', 'enable'],
    usage: '<id> [--tenant T]',
    summary: 're-enable an endpoint; what is still queued is delivered again',
    options: TENANT_OPTION,
    positionals: { names: ['id'], min: 1, max: 1 },
    run: setEnabled(true),
  },
  {
    words: ['endpoints', 'disable'],
    usage: '<id> [--tenant T [--reason R]]',
    summary: 'stop delivering to an endpoint',
    options: { ...TENANT_OPTION, reason: { type: 'string' } },
    positionals: { names: ['id'], min: 1, max: 1 },
    run: setEnabled(false),
  },
  {
    words: ['endpoints', 'delete'],
    usage: '<id>',
    summary: 'delete an endpoint and its secrets (tenant API key)',
    options: TENANT_OPTION,
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [id] }) {
      tenantKeyOnly(values, 'delete');
      const api = await ctx.api();
      const response = await api.request('DELETE', endpointPath(values, id as string));
      if (ctx.json) return printJson(ctx, response, { id, deleted: true });
      ctx.out(`deleted ${id}`);
    },
  },
];
