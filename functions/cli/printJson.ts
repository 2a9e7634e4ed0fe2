import type { ApiResponse } from './ApiClient.ts';
import type { CommandContext } from './CommandSpec.ts';

/** --json output: the API's body byte for byte (one line per answer), or `fallback` for a 204. */
export function printJson(ctx: CommandContext, response: ApiResponse<unknown>, fallback?: unknown): void {
  ctx.out(response.text === '' ? JSON.stringify(fallback ?? {}) : response.text);
}
