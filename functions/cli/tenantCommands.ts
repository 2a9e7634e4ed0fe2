import type { Page, TenantItem } from './apiTypes.ts';
import type { CommandSpec } from './CommandSpec.ts';
import { type Column, formatTable, formatTime } from './formatTable.ts';
import { PAGE_OPTIONS } from './globalOptions.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { printJson } from './printJson.ts';

const TENANT_COLUMNS: Column<TenantItem>[] = [
  { header: 'id', value: (t) => t.id, max: 40 },
  { header: 'name', value: (t) => t.name, max: 40 },
  { header: 'tier', value: (t) => t.tier },
  { header: 'created at', value: (t) => formatTime(t.createdAt) },
];

export const tenantCommands: CommandSpec[] = [
  {
    words: ['tenants', 'create'],
    usage: '<id> [--name NAME] [--tier pooled|dedicated]',
    summary: 'create a tenant and print its API key (shown once) (admin token)',
    details: ["<id> is the value in your tables' tenant column; --name defaults to it."],
    options: { name: { type: 'string' }, tier: { type: 'string' } },
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [id] }) {
      const api = await ctx.api();
      const response = await api.request<TenantItem>('POST', '/v1/tenants', {
        body: {
          id,
          name: (values.name as string | undefined) ?? id,
          ...(values.tier === undefined ? {} : { tier: values.tier }),
        },
      });
      if (ctx.json) return printJson(ctx, response);
      const tenant = response.json;
      ctx.out(`created tenant ${tenant.id} (${tenant.tier})`);
      ctx.out(`API key (shown once; Rowhook keeps only a hash): ${tenant.apiKey}`);
    },
  },
  {
    words: ['tenants', 'ls'],
    usage: '[--limit N] [--cursor C]',
    summary: 'list tenants (admin token)',
    options: PAGE_OPTIONS,
    async run(ctx, { values }) {
      const api = await ctx.api();
      const response = await api.request<Page<TenantItem>>('GET', '/v1/tenants', {
        query: {
          limit: parseIntFlag('limit', values.limit as string | undefined, 1, 100),
          cursor: values.cursor as string | undefined,
        },
      });
      if (ctx.json) return printJson(ctx, response);
      const { items, nextCursor } = response.json;
      if (items.length === 0) ctx.out('no tenants');
      else for (const line of formatTable(TENANT_COLUMNS, items)) ctx.out(line);
      if (nextCursor) ctx.err(`more: add --cursor ${nextCursor}`);
    },
  },
];
