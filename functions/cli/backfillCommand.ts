import pg from 'pg';
import type { CommandContext, CommandSpec } from './CommandSpec.ts';
import { CLI_DEFAULTS, EXIT_CODES } from './constants.ts';
import { databaseError } from './databaseError.ts';
import { CliError, UsageError } from './errors.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { renderProgressBar } from './renderProgressBar.ts';
import { resolveDatabaseUrl } from './resolveConnection.ts';

const USAGE = 'rowhook backfill <table> [--where SQL] [--batch N] [--run ID | --new] [--database-url URL]';

interface RunRow {
  id: string;
  total: string;
  scanned: string;
  emitted: string;
  status: 'running' | 'done';
}

const RUN_COLUMNS = 'id::text, total::text, scanned::text, emitted::text, status';

/** The run to continue: --run, else the table's unfinished run with the same condition, else a new one. */
async function chooseRun(
  client: pg.Client,
  ctx: CommandContext,
  table: string,
  where: string | undefined,
  flags: { run: string | undefined; fresh: boolean },
): Promise<RunRow> {
  if (flags.run !== undefined) {
    const { rows } = await client.query<RunRow>(
      `select ${RUN_COLUMNS} from rowhook.backfill_runs where id = $1 and tbl = $2::regclass`,
      [flags.run, table],
    );
    if (!rows[0]) throw new CliError(EXIT_CODES.notFound, `no backfill run ${flags.run} for table ${table}`);
    return rows[0];
  }
  if (!flags.fresh) {
    const { rows } = await client.query<RunRow>(
      `select ${RUN_COLUMNS} from rowhook.backfill_runs
        where tbl = $1::regclass and status = 'running' and where_clause is not distinct from $2
        order by id desc limit 1`,
      [table, where ?? null],
    );
    if (rows[0]) {
      ctx.err(`resuming backfill run ${rows[0].id} (${rows[0].scanned} of ${rows[0].total} rows done)`);
      return rows[0];
    }
  }
  const started = await client.query<{ id: string }>(
    'select rowhook.backfill_start($1::regclass, $2)::text as id',
    [table, where ?? null],
  );
  const { rows } = await client.query<RunRow>(
    `select ${RUN_COLUMNS} from rowhook.backfill_runs where id = $1`,
    [started.rows[0]?.id],
  );
  return rows[0] as RunRow;
}

export const backfillCommand: CommandSpec = {
  words: ['backfill'],
  usage: '<table> [--where SQL] [--batch N] [--run ID | --new] [--database-url URL]',
  summary: "emit <prefix>.snapshot events for a tracked table's existing rows (resumable)",
  details: [
    'Rows go in primary-key order, --batch rows (default 500) per short transaction; writers are never blocked.',
    '--where is a SQL condition on the table, e.g. --where "created_at > now() - interval \'30 days\'".',
    'Ctrl+C stops after the current batch; running the same command again resumes where it stopped',
    '(or pass --run ID); --new starts over. Each row is emitted once per run.',
    'The database is --database-url, DATABASE_URL, or the one `npm start` wrote to .rowhook/database-url.',
  ],
  options: {
    where: { type: 'string' },
    batch: { type: 'string' },
    run: { type: 'string' },
    new: { type: 'boolean' },
    'database-url': { type: 'string' },
  },
  positionals: { names: ['table'], min: 1, max: 1 },
  async run(ctx, { values, positionals: [table] }) {
    const batch = parseIntFlag('batch', values.batch as string | undefined, 1, 10_000) ?? 500;
    const run = values.run as string | undefined;
    if (run !== undefined && !/^[1-9][0-9]{0,17}$/.test(run))
      throw new UsageError(`--run must be a backfill run id (a positive integer), got "${run}"`, USAGE);
    if (run !== undefined && values.new) throw new UsageError('give --run or --new, not both', USAGE);
    const where = values.where as string | undefined;
    if (where !== undefined && where.trim() === '')
      throw new UsageError('--where is empty; leave it out to backfill every row', USAGE);
    const url = await resolveDatabaseUrl(values['database-url'] as string | undefined, ctx.env, ctx.cwd);
    if (!url) {
      throw new UsageError(
        'no database: pass --database-url, set DATABASE_URL, or run where `npm start` runs',
        USAGE,
      );
    }
    const stop = ctx.interruptSignal();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const state = await chooseRun(client, ctx, table as string, where, { run, fresh: values.new === true });
      let scanned = Number(state.scanned);
      let emitted = Number(state.emitted);
      let total = Number(state.total);
      let done = state.status === 'done';
      let lastLine = 0;
      while (!done && !stop.aborted) {
        // Autocommit: each call is one transaction that writes its events and moves the cursor.
        const { rows } = await client.query<{ emitted: number; scanned: number; done: boolean }>(
          'select emitted, scanned, done from rowhook.backfill_batch($1, $2)',
          [state.id, batch],
        );
        const result = rows[0] ?? { emitted: 0, scanned: 0, done: true };
        scanned += result.scanned;
        emitted += result.emitted;
        total = Math.max(total, scanned);
        done = result.done;
        if (ctx.stderrIsTTY) ctx.errRaw(`\r${renderProgressBar(scanned, total)}`);
        else if (done || ctx.now().getTime() - lastLine >= CLI_DEFAULTS.tailIntervalMs) {
          lastLine = ctx.now().getTime();
          ctx.err(`backfilled ${scanned} of ${total} rows`);
        }
      }
      if (ctx.stderrIsTTY) ctx.errRaw('\n');
      if (ctx.json) {
        ctx.out(JSON.stringify({ run: Number(state.id), table, scanned, emitted, done }));
      } else if (done) {
        ctx.out(
          `backfilled ${table}: ${emitted} snapshot event${emitted === 1 ? '' : 's'} from ${scanned} rows (run ${state.id})`,
        );
      } else {
        ctx.out(
          `stopped after ${scanned} of ${total} rows (run ${state.id}); run the same command again, or with --run ${state.id}, to continue`,
        );
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw databaseError(error, url);
    } finally {
      await client.end().catch(() => {});
    }
  },
};
