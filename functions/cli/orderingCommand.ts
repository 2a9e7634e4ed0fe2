import type { EndpointItem } from './apiTypes.ts';
import type { CommandSpec } from './CommandSpec.ts';
import { printJson } from './printJson.ts';

/**
 * `endpoints ordering <id> <none|per-key>`: a tenant's PATCH of its endpoint's ordering. The value
 * is passed through; the API answers a wrong one with a 400 that names the choices.
 */
export const orderingCommand: CommandSpec = {
  words: ['endpoints', 'ordering'],
  usage: '<id> <none|per-key>',
  summary: 'set the delivery order: per-key (commit order, one at a time per key) or none (tenant API key)',
  options: {},
  positionals: { names: ['id', 'ordering'], min: 2, max: 2 },
  async run(ctx, { positionals: [id, ordering] }) {
    const api = await ctx.api();
    const response = await api.request<EndpointItem>(
      'PATCH',
      `/v1/endpoints/${encodeURIComponent(id as string)}`,
      {
        body: { ordering },
      },
    );
    if (ctx.json) return printJson(ctx, response);
    ctx.out(`${response.json.id}: ordering ${response.json.ordering ?? ordering}`);
  },
};
