import { attemptedAtOf, type LiveAttempt } from './apiTypes.ts';
import type { CommandSpec } from './CommandSpec.ts';
import { CLI_DEFAULTS } from './constants.ts';
import { cleanCell, formatTime, truncate } from './formatTable.ts';
import { parseIntFlag } from './parseIntFlag.ts';

interface AttemptsPage {
  items: LiveAttempt[];
  nextCursor: string;
}

/** One line per attempt: time, outcome, latency, who, what. */
export function formatAttemptLine(a: LiveAttempt): string {
  const ok = a.status !== null && a.status >= 200 && a.status < 300;
  // A status says it all for HTTP answers; without one the error class tells timeout from refused.
  const outcome = ok ? `ok ${a.status}` : `FAIL ${a.status ?? a.errorClass ?? '?'}`;
  const latency = a.latencyMs === null ? '-' : `${a.latencyMs}ms`;
  const parts = [
    formatTime(attemptedAtOf(a)) ?? '-',
    outcome.padEnd(17),
    latency.padStart(7),
    `#${a.attempt}`,
    cleanCell(a.tenantId),
    cleanCell(a.endpointId),
    cleanCell(a.eventType),
    cleanCell(a.webhookId),
  ];
  if (!ok && a.errorMessage) parts.push(truncate(cleanCell(a.errorMessage), 60));
  return parts.join('  ');
}

export const tailCommand: CommandSpec = {
  words: ['tail'],
  usage: '[--tenant T] [--endpoint EP] [-n N] [--interval MS]',
  summary: 'follow delivery attempts as they happen (Ctrl-C stops)',
  details: [
    'Prints the last -n attempts (default 10), then each new one. --json prints one JSON object per',
    'line (NDJSON). With a tenant API key only that tenant is shown.',
  ],
  options: {
    tenant: { type: 'string' },
    endpoint: { type: 'string' },
    lines: { type: 'string', short: 'n' },
    interval: { type: 'string' },
  },
  async run(ctx, { values }) {
    const api = await ctx.api();
    const initial =
      parseIntFlag('lines', values.lines as string | undefined, 0, 100) ?? CLI_DEFAULTS.tailInitialLines;
    const intervalMs =
      parseIntFlag('interval', values.interval as string | undefined, 50, 3_600_000) ??
      CLI_DEFAULTS.tailIntervalMs;
    const filter = {
      tenantId: values.tenant as string | undefined,
      endpointId: values.endpoint as string | undefined,
    };
    const stop = ctx.interruptSignal();
    let cursor: string | undefined;
    let first = true;
    while (!stop.aborted) {
      let page: AttemptsPage;
      try {
        const limit = first ? Math.max(initial, 1) : 100;
        page = (
          await api.request<AttemptsPage>('GET', '/v1/attempts', {
            query: { ...filter, after: cursor, limit },
            signal: stop,
          })
        ).json;
      } catch (error) {
        if (stop.aborted) break;
        throw error;
      }
      // Without a cursor the API answers the latest attempts; -n 0 only wants the cursor.
      const items = first && initial === 0 ? [] : page.items;
      for (const attempt of items) ctx.out(ctx.json ? JSON.stringify(attempt) : formatAttemptLine(attempt));
      cursor = page.nextCursor;
      first = false;
      // A full page means more are waiting: ask again at once.
      if (page.items.length < 100) await ctx.sleep(intervalMs, stop);
    }
  },
};
