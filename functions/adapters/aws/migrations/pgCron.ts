import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';
import { PG_CRON_HISTORY, PG_CRON_MIN_VERSION, PG_CRON_SWEEP } from './constants.ts';

/**
 * The in-database sweeper: a pg_cron job that nudges the relay every few seconds while the outbox
 * holds unpublished rows, so a lost commit-time nudge costs seconds instead of the minute
 * EventBridge Scheduler's sweeper (which stays on as the safety net) would take.
 *
 * Best effort by design: the deploy never fails because of pg_cron. When the extension cannot be
 * created (not in `shared_preload_libraries` yet, `cron.database_name` pointing elsewhere, the
 * engine without it) or is older than 1.5 (no second-granularity schedules), this logs why and
 * returns; the Scheduler sweeper keeps delivering.
 */

export interface SqlRunner {
  run(sql: string, parameters?: SqlParameter[]): Promise<Field[][]>;
}

export type PgCronOutcome =
  | { status: 'scheduled'; version: string; job: string; schedule: string }
  | { status: 'unavailable'; reason: string }
  | { status: 'too-old'; version: string; reason: string }
  | { status: 'failed'; version: string; reason: string };

export interface PgCronSweepOptions {
  job?: string;
  schedule?: string;
  log?: (entry: Record<string, unknown>) => void;
}

const defaultLog = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/**
 * Creates pg_cron if it can, and when its version is ≥ 1.5 (re)schedules the sweep job by name.
 * `cron.schedule(name, …)` updates the job of that name instead of adding a second one, so every
 * deploy converges on exactly one `rowhook-sweep` (and one history purge) with these settings.
 */
export async function ensurePgCronSweep(
  db: SqlRunner,
  options: PgCronSweepOptions = {},
): Promise<PgCronOutcome> {
  const log = options.log ?? defaultLog;
  const job = options.job ?? PG_CRON_SWEEP.job;
  const schedule = options.schedule ?? PG_CRON_SWEEP.schedule;
  const outcome = await attempt(db, job, schedule);
  log({
    message: 'pg_cron sweep',
    ...outcome,
    ...(outcome.status === 'scheduled'
      ? {}
      : { fallback: 'EventBridge Scheduler runs the sweeper every minute; nothing else changes' }),
  });
  return outcome;
}

async function attempt(db: SqlRunner, job: string, schedule: string): Promise<PgCronOutcome> {
  try {
    await db.run('create extension if not exists pg_cron');
  } catch (error) {
    return { status: 'unavailable', reason: messageOf(error) };
  }
  let version: string;
  try {
    const rows = await db.run("select extversion from pg_catalog.pg_extension where extname = 'pg_cron'");
    version = rows[0]?.[0]?.stringValue ?? '';
  } catch (error) {
    return { status: 'unavailable', reason: messageOf(error) };
  }
  if (!version) return { status: 'unavailable', reason: 'pg_cron is not listed in pg_extension' };
  if (!atLeast(version, PG_CRON_MIN_VERSION)) {
    return {
      status: 'too-old',
      version,
      reason: `pg_cron ${version} has no second-granularity schedules (needs ${PG_CRON_MIN_VERSION.join('.')}+)`,
    };
  }
  try {
    await schedulePgCron(db, job, schedule, PG_CRON_SWEEP.command);
    await schedulePgCron(db, PG_CRON_HISTORY.job, PG_CRON_HISTORY.schedule, PG_CRON_HISTORY.command);
  } catch (error) {
    return { status: 'failed', version, reason: messageOf(error) };
  }
  return { status: 'scheduled', version, job, schedule };
}

function schedulePgCron(db: SqlRunner, job: string, schedule: string, command: string) {
  return db.run('select cron.schedule(cast(:job as text), cast(:schedule as text), cast(:command as text))', [
    { name: 'job', value: { stringValue: job } },
    { name: 'schedule', value: { stringValue: schedule } },
    { name: 'command', value: { stringValue: command } },
  ]);
}

/** `extversion` is `major.minor` on Aurora (e.g. `1.6`); tolerate a patch or suffix anyway. */
export function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
