import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { MIGRATIONS } from '../../sql/constants.ts';
import { loadMigrations, type MigrationFile } from '../../sql/loadMigrations.ts';
import { MIGRATIONS_SQL } from '../../sql/migrationsSql.ts';
import { splitStatements } from '../../sql/splitStatements.ts';
import { DataApi, type DataApiTarget } from './DataApi.ts';
import { type DatabaseCredentials, ensureTenantRole } from './ensureTenantRole.ts';
import { ensurePgCronSweep, type PgCronOutcome } from './pgCron.ts';

/**
 * Applies `sql/migrations/*.sql` to Aurora over the RDS Data API at deploy time, with the same
 * bookkeeping as the local runtime (`rowhook.schema_migrations`, sha256 per file, never re-run,
 * refuse edits). Each file runs in one Data API transaction, one statement per call, under the
 * same advisory lock key as the local runner (`MIGRATIONS.lockKey`). After the migrations it
 * tries to schedule the in-database sweep nudge with pg_cron (`./pgCron.ts`); that step logs and
 * moves on when pg_cron is missing or too old, and never fails the deploy.
 */

export interface DataApiMigrationOptions {
  target: DataApiTarget;
  /** The folder of migration files bundled with the function. */
  directory: string;
  /** `name:sha256` of every file at synth time; the bundle must carry exactly these. */
  expected: readonly string[];
  /** The relay the capture trigger's nudge invokes. */
  relayFunctionArn: string;
  region: string;
  /** rowhook.settings.nudge_interval_ms for this stage; absent: left as it is. */
  nudgeIntervalMs?: number;
  /** pg_cron job name and schedule of the sweep nudge (defaults in `./constants.ts`). */
  pgCronSweep: { job?: string; schedule?: string };
  /** The tenant secret's login user, created (with its group and grants) after the migrations. */
  tenantCredentials?: DatabaseCredentials;
}

export interface MigrationResult {
  applied: string[];
  pgCron: PgCronOutcome;
}

export async function applyDataApiMigrations(
  client: RDSDataClient,
  options: DataApiMigrationOptions,
): Promise<MigrationResult> {
  const files = await loadMigrations(options.directory);
  const bundled = files.map((f) => `${f.name}:${f.checksum}`);
  if (JSON.stringify(bundled) !== JSON.stringify(options.expected)) {
    throw new Error(
      `The migrations bundled with this function (${bundled.join(', ')}) differ from the ones synthesized (${options.expected.join(', ')})`,
    );
  }
  const db = new DataApi(client, options.target);
  await db.waitUntilAvailable();
  // The extension behind the capture trigger's nudge; the master user is rds_superuser.
  await db.run('create extension if not exists aws_lambda cascade');
  await db.run('create schema if not exists rowhook');
  await db.run(MIGRATIONS_SQL.createTable(MIGRATIONS.table));
  const done = new Map(
    (await db.run(MIGRATIONS_SQL.applied(MIGRATIONS.table))).map((row) => [
      Number(row[0]?.longValue),
      String(row[1]?.stringValue),
    ]),
  );
  const applied: string[] = [];
  for (const migration of files) {
    const appliedChecksum = done.get(migration.version);
    if (appliedChecksum !== undefined) {
      if (appliedChecksum !== migration.checksum) {
        throw new Error(
          `${migration.name} changed after it was applied (sha256 ${appliedChecksum.slice(0, 12)}... then, ` +
            `${migration.checksum.slice(0, 12)}... now). Add the change as a new numbered file instead.`,
        );
      }
      continue;
    }
    await applyOne(db, migration);
    applied.push(migration.name);
  }
  // Point the capture trigger's nudge at this stack's relay function.
  await db.run('update rowhook.settings set relay_function = :fn, relay_region = :region', [
    { name: 'fn', value: { stringValue: options.relayFunctionArn } },
    { name: 'region', value: { stringValue: options.region } },
  ]);
  if (options.nudgeIntervalMs !== undefined) {
    // The column's own check (0-60000) refuses a bad value, failing the deploy with PostgreSQL's message.
    if (!Number.isInteger(options.nudgeIntervalMs)) {
      throw new Error(
        `NudgeIntervalMs must be a whole number of milliseconds, got ${options.nudgeIntervalMs}`,
      );
    }
    await db.run('update rowhook.settings set nudge_interval_ms = :ms', [
      { name: 'ms', value: { longValue: options.nudgeIntervalMs } },
    ]);
  }
  // After the migrations, so the grants find every table they name.
  if (options.tenantCredentials) await ensureTenantRole(db, options.tenantCredentials);
  // Last, so the job's first run finds the schema and the relay setting in place.
  const pgCron = await ensurePgCronSweep(db, options.pgCronSweep);
  return { applied, pgCron };
}

async function applyOne(db: DataApi, migration: MigrationFile): Promise<void> {
  const statements = splitStatements(migration.sql);
  const transactionId = await db.begin();
  let index = 0;
  try {
    await db.run(
      'select pg_advisory_xact_lock(:key)',
      [{ name: 'key', value: { longValue: MIGRATIONS.lockKey } }],
      transactionId,
    );
    for (const statement of statements) {
      index++;
      await db.run(statement, [], transactionId);
    }
    await db.run(
      MIGRATIONS_SQL.record(MIGRATIONS.table, { version: ':version', name: ':name', checksum: ':checksum' }),
      [
        { name: 'version', value: { longValue: migration.version } },
        { name: 'name', value: { stringValue: migration.name } },
        { name: 'checksum', value: { stringValue: migration.checksum } },
      ],
      transactionId,
    );
    await db.commit(transactionId);
  } catch (error) {
    await db.rollback(transactionId).catch(() => {});
    throw new Error(
      `Migration ${migration.name} failed at statement ${index} of ${statements.length}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
