/** The in-database sweep nudge (see `./pgCron.ts`); also in the stack's template, so a change re-runs it. */
export const PG_CRON_SWEEP = {
  job: 'rowhook-sweep',
  schedule: '10 seconds',
  /**
   * `send_nudge()` is SECURITY DEFINER, takes a try-lock, wakes the relay at most once per nudge
   * interval and swallows invoke errors. The `exists` guard (an index-only probe of the partial
   * `outbox_unpublished` index) keeps an idle stage from invoking the relay 8,640 times a day.
   */
  command:
    'select rowhook.send_nudge() where exists (select 1 from rowhook.outbox where published_at is null)',
} as const;

/** pg_cron keeps one `cron.job_run_details` row per run (8,640 a day at 10 s): keep a day of them. */
export const PG_CRON_HISTORY = {
  job: 'rowhook-sweep-history',
  schedule: '17 * * * *',
  command: `delete from cron.job_run_details where end_time < now() - interval '1 day' and jobid in (select jobid from cron.job where jobname in ('${PG_CRON_SWEEP.job}', 'rowhook-sweep-history'))`,
} as const;

/** The first pg_cron release that accepts `'[1-59] seconds'` schedules. */
export const PG_CRON_MIN_VERSION: readonly [number, number] = [1, 5];

/** How long the migrations wait for a cluster that scaled to zero to resume, and how often they ask. */
export const DATA_API_RESUME = {
  maxWaitMs: 5 * 60_000,
  firstDelayMs: 2_000,
  maxDelayMs: 20_000,
} as const;

/**
 * The database roles tenant-scoped Data API calls run as. `group` (NOLOGIN) holds the privileges;
 * the login user from the tenant secret is a member, and so is the `<user>_clone` that Secrets
 * Manager's alternating-users rotation creates (it clones by membership). Neither is the tables'
 * owner, a superuser or BYPASSRLS, so the outbox's row-level security applies to both.
 */
export const TENANT_ROLE = {
  group: 'rowhook_tenant',
  username: 'rowhook_app',
  /** Everything a tenant-scoped call reads or writes; every table here has row-level security. */
  grants: [
    'grant usage on schema rowhook to rowhook_tenant',
    'grant select, insert on rowhook.outbox to rowhook_tenant',
    'grant select on rowhook.delivery_sequences to rowhook_tenant',
  ],
} as const;
