import pg from 'pg';
import { buildTrackSql, type TrackRequest } from './buildTrackSql.ts';
import type { CommandSpec } from './CommandSpec.ts';
import { databaseError } from './databaseError.ts';
import { UsageError } from './errors.ts';
import { parseListFlag } from './parseListFlag.ts';
import { resolveDatabaseUrl } from './resolveConnection.ts';

const USAGE =
  'rowhook track <table> --tenant-column C [--include a,b | --exclude a,b] [--prefix P] [--print]';

export const trackCommand: CommandSpec = {
  words: ['track'],
  usage:
    '<table> --tenant-column C [--include a,b | --exclude a,b] [--prefix P] [--print] [--database-url URL]',
  summary: "capture a table's row changes as events (runs rowhook.track_table, or --print the SQL)",
  details: [
    'The database is --database-url, DATABASE_URL, or the one `npm start` wrote to .rowhook/database-url.',
    'Event types are <prefix>.created|updated|deleted; the prefix defaults to the table name.',
  ],
  options: {
    'tenant-column': { type: 'string' },
    include: { type: 'string' },
    exclude: { type: 'string' },
    prefix: { type: 'string' },
    print: { type: 'boolean' },
    'database-url': { type: 'string' },
  },
  positionals: { names: ['table'], min: 1, max: 1 },
  async run(ctx, { values, positionals: [table] }) {
    const tenantColumn = values['tenant-column'];
    if (typeof tenantColumn !== 'string' || tenantColumn === '')
      throw new UsageError('missing --tenant-column', USAGE);
    if (values.include !== undefined && values.exclude !== undefined) {
      throw new UsageError('give --include or --exclude, not both', USAGE);
    }
    const request: TrackRequest = {
      table: table as string,
      tenantColumn,
      prefix: values.prefix as string | undefined,
      include: typeof values.include === 'string' ? parseListFlag('include', values.include) : undefined,
      exclude: typeof values.exclude === 'string' ? parseListFlag('exclude', values.exclude) : undefined,
    };
    const sql = buildTrackSql(request);
    if (values.print) {
      ctx.out(ctx.json ? JSON.stringify({ sql: sql.printable }) : sql.printable);
      return;
    }
    const url = await resolveDatabaseUrl(values['database-url'] as string | undefined, ctx.env, ctx.cwd);
    if (!url) {
      throw new UsageError(
        'no database: pass --database-url, set DATABASE_URL, run where `npm start` runs, or use --print',
        USAGE,
      );
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    client.on('notice', (notice) => ctx.err(`${notice.severity ?? 'NOTICE'}: ${notice.message}`));
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(sql.query);
      const { rows } = await client.query<{ tbl: string; event_prefix: string }>(
        'select tbl::text, event_prefix from rowhook.tracked_tables where tbl = $1::regclass',
        [request.table],
      );
      const tracked = rows[0] ?? { tbl: request.table, event_prefix: request.prefix ?? request.table };
      if (ctx.json) {
        ctx.out(JSON.stringify({ table: tracked.tbl, tenantColumn, eventPrefix: tracked.event_prefix }));
      } else {
        const p = tracked.event_prefix;
        ctx.out(
          `tracking ${tracked.tbl}: ${p}.created, ${p}.updated, ${p}.deleted for tenant column ${tenantColumn}`,
        );
      }
    } catch (error) {
      throw databaseError(error, url);
    } finally {
      await client.end().catch(() => {});
    }
  },
};
