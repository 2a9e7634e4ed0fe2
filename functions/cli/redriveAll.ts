import { REDRIVE_OUTCOMES, redriveAllMatching } from '../../console/js/shared/redriveAllMatching.js';
import type { RedriveAnswer } from './apiTypes.ts';
import type { CommandContext } from './CommandSpec.ts';
import { CLI_DEFAULTS } from './constants.ts';
import type { DeadLetterFilterQuery } from './dlqFilters.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { renderProgressBar } from './renderProgressBar.ts';

/**
 * `dlq redrive --all`: POSTs the filter in batches until nothing matching is left, with the loop the
 * console's "Redrive all matching" runs (console/js/shared/). Progress goes to stderr (a bar on a
 * terminal, plain lines otherwise); the result to stdout.
 */
export async function redriveAll(
  ctx: CommandContext,
  filter: DeadLetterFilterQuery,
  batchFlag: string | undefined,
): Promise<void> {
  const api = await ctx.api();
  const limit = parseIntFlag('batch', batchFlag, 1, 1000) ?? CLI_DEFAULTS.redriveBatch;
  const { outcome, done, remaining } = await redriveAllMatching({
    filter,
    limit,
    now: () => ctx.now(),
    send: async (body) =>
      (await api.request<RedriveAnswer>('POST', '/v1/dead-letters/redrive', { body })).json,
    onProgress: (progress) => {
      const total = progress.done + progress.remaining;
      if (ctx.stderrIsTTY) ctx.errRaw(`\r${renderProgressBar(progress.done, total)}`);
      else ctx.err(`redriven ${progress.done} of ${total}`);
    },
  });
  if (ctx.stderrIsTTY) ctx.errRaw('\n');
  if (ctx.json) ctx.out(JSON.stringify({ count: done, remaining }));
  else ctx.out(`redriven ${done} dead letter${done === 1 ? '' : 's'}`);
  if (outcome === REDRIVE_OUTCOMES.stalled)
    ctx.err(`${remaining} still match but could not be redriven now; run the command again`);
}
