import type { RedriveAnswer } from './apiTypes.ts';
import type { CommandContext } from './CommandSpec.ts';
import { CLI_DEFAULTS } from './constants.ts';
import type { DeadLetterFilterQuery } from './dlqFilters.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { renderProgressBar } from './renderProgressBar.ts';

/**
 * `dlq redrive --all`: POSTs the filter in batches until nothing matching is left. `to` is pinned to
 * the start time so letters that die again during the run (or new ones) are not redriven in a loop.
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise); the result to stdout.
 */
export async function redriveAll(
  ctx: CommandContext,
  filter: DeadLetterFilterQuery,
  batchFlag: string | undefined,
): Promise<void> {
  const api = await ctx.api();
  const limit = parseIntFlag('batch', batchFlag, 1, 1000) ?? CLI_DEFAULTS.redriveBatch;
  const startedAt = ctx.now().toISOString();
  const to = filter.to !== undefined && filter.to < startedAt ? filter.to : startedAt;
  let done = 0;
  let remaining = 0;
  for (;;) {
    const response = await api.request<RedriveAnswer>('POST', '/v1/dead-letters/redrive', {
      body: { ...filter, to, limit },
    });
    const answer = response.json;
    done += answer.count;
    // An API without `remaining` redrives everything matching in one call.
    remaining = answer.remaining ?? 0;
    const total = done + remaining;
    if (ctx.stderrIsTTY) ctx.errRaw(`\r${renderProgressBar(done, total)}`);
    else ctx.err(`redriven ${done} of ${total}`);
    // A batch that moved nothing while some remain would loop for ever; stop and say so below.
    if (remaining === 0 || answer.count === 0) break;
  }
  if (ctx.stderrIsTTY) ctx.errRaw('\n');
  if (ctx.json) ctx.out(JSON.stringify({ count: done, remaining }));
  else ctx.out(`redriven ${done} dead letter${done === 1 ? '' : 's'}`);
  if (remaining > 0) ctx.err(`${remaining} still match but could not be redriven now; run the command again`);
}
