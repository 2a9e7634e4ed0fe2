import type { CommandContext, CommandSpec } from './CommandSpec.ts';
import { CLI_DEFAULTS, EXIT_CODES } from './constants.ts';
import { CliError, UsageError } from './errors.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { parseTimeFlag } from './parseTimeFlag.ts';
import { printJson } from './printJson.ts';
import { renderProgressBar } from './renderProgressBar.ts';

/** GET /v1/recoveries/{id} and the answer of POST .../recover. */
interface RecoveryJob {
  id: string;
  endpointId: string;
  since: string;
  until: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  sent: number;
  truncatedAt: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const endpointPath = (id: string) => `/v1/endpoints/${encodeURIComponent(id)}`;

function showProgress(ctx: CommandContext, job: RecoveryJob): void {
  if (ctx.stderrIsTTY) ctx.errRaw(`\r${renderProgressBar(job.sent, job.total)}`);
  else ctx.err(`re-sent ${job.sent} of ${job.total}`);
}

/**
 * `endpoints recover`: starts the job, then polls it until it is no longer running, with a progress
 * bar on a terminal (plain lines otherwise) on stderr and the result on stdout.
 */
async function recover(
  ctx: CommandContext,
  id: string,
  since: string,
  until: string | undefined,
  intervalMs: number,
) {
  const api = await ctx.api();
  let job = (
    await api.request<RecoveryJob>('POST', `${endpointPath(id)}/recover`, {
      body: { since, ...(until === undefined ? {} : { until }) },
    })
  ).json;
  if (job.truncatedAt) {
    ctx.err(
      `events before ${job.truncatedAt} are no longer kept (the retention window): re-sending from there`,
    );
  }
  showProgress(ctx, job);
  while (job.status === 'running') {
    await ctx.sleep(intervalMs);
    job = (await api.request<RecoveryJob>('GET', `/v1/recoveries/${encodeURIComponent(job.id)}`)).json;
    showProgress(ctx, job);
  }
  if (ctx.stderrIsTTY) ctx.errRaw('\n');
  if (ctx.json) ctx.out(JSON.stringify(job));
  else
    ctx.out(
      `${job.status === 'done' ? 're-sent' : 'stopped after'} ${job.sent} of ${job.total} event${job.total === 1 ? '' : 's'} (${job.id})`,
    );
  if (job.status === 'failed')
    throw new CliError(EXIT_CODES.refused, `recovery ${job.id} failed: ${job.error ?? 'no reason given'}`);
}

export const recoverCommands: CommandSpec[] = [
  {
    words: ['endpoints', 'recover'],
    usage: '<id> --since <time|2h> [--until <time|30m>] [--interval MS]',
    summary: 'send every event matched to an endpoint in a time window again, in order, with a progress bar',
    details: [
      'Times are ISO-8601 (2026-12-01T10:00:00Z) or a duration ago (30m, 2h, 7d); --until defaults to now.',
      'Only events still kept can be re-sent: a --since further back is cut to the oldest one kept, and said so.',
      'The job runs on the server: stopping this command does not stop it (GET /v1/recoveries/<id>).',
    ],
    options: { since: { type: 'string' }, until: { type: 'string' }, interval: { type: 'string' } },
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [id] }) {
      if (typeof values.since !== 'string') {
        throw new UsageError(
          'endpoints recover needs --since (e.g. --since 2h)',
          `rowhook endpoints recover <id> --since <time|2h>`,
        );
      }
      const now = ctx.now();
      const since = parseTimeFlag('since', values.since, now);
      const until = typeof values.until === 'string' ? parseTimeFlag('until', values.until, now) : undefined;
      const interval = parseIntFlag('interval', values.interval as string | undefined, 50, 60_000);
      await recover(ctx, id as string, since, until, interval ?? CLI_DEFAULTS.tailIntervalMs / 2);
    },
  },
  {
    words: ['endpoints', 'resend'],
    usage: '<id> <eventId>',
    summary: 'send one event to an endpoint again, with the same webhook-id',
    positionals: { names: ['id', 'eventId'], min: 2, max: 2 },
    async run(ctx, { positionals: [id, eventId] }) {
      const api = await ctx.api();
      const response = await api.request<{ deliveryId: string }>(
        'POST',
        `${endpointPath(id as string)}/events/${encodeURIComponent(eventId as string)}/resend`,
      );
      if (ctx.json) return printJson(ctx, response);
      ctx.out(`queued ${eventId} again (${response.json.deliveryId})`);
    },
  },
];
