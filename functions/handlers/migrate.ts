import path from 'node:path';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { loadMigrations, type MigrationFile } from '../../functions/adapters/pg/migrate.ts';
import { ensurePgCronSweep, type PgCronOutcome } from './pgCron.ts';
import { splitStatements } from './splitStatements.ts';

/**
 * CloudFormation custom resource (its own service token, no provider framework) that applies
 * `sql/migrations/*.sql` to Aurora over the RDS Data API at deploy time, with the same bookkeeping
 * as the local runtime (`rowhook.schema_migrations`, sha256 per file, never re-run, refuse edits).
 * Each file runs in one Data API transaction, one statement per call, under the same advisory
 * lock key as `functions/adapters/pg/migrate.ts`. After the migrations it tries to schedule the
 * in-database sweep nudge with pg_cron (`./pgCron.ts`); that step logs and moves on when pg_cron
 * is missing or too old, and never fails the deploy.
 */

export interface MigrationProperties {
  ClusterArn: string;
  SecretArn: string;
  Database: string;
  RelayFunctionArn: string;
  Region: string;
  /** `name:sha256` of every file at synth time; the bundle must carry exactly these. */
  Migrations: string[];
  /** pg_cron job name and schedule of the sweep nudge (defaults in `./pgCron.ts`). */
  PgCronSweepJob?: string;
  PgCronSweepSchedule?: string;
}

export interface MigrationResult {
  applied: string[];
  pgCron: PgCronOutcome;
}

const MIGRATION_LOCK_KEY = 7262010;
const TABLE = 'rowhook.schema_migrations';
const PHYSICAL_ID = 'rowhook-schema-migrations';

const client = new RDSDataClient({});

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  let applied: string[] = [];
  let pgCron = 'not attempted';
  try {
    // Deleting the stack never drops the schema: the database keeps (or snapshots) the data.
    if (event.RequestType !== 'Delete') {
      const result = await migrate(event.ResourceProperties as unknown as MigrationProperties);
      applied = result.applied;
      // Short: the whole CloudFormation response must stay under 4 KB.
      pgCron = describePgCron(result.pgCron).slice(0, 500);
      reason = `${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}; ${pgCron}`;
    }
  } catch (error) {
    status = 'FAILED';
    reason = error instanceof Error ? error.message : String(error);
  }
  console.log(JSON.stringify({ message: 'migrations', requestType: event.RequestType, status, reason }));
  await respond(event, status, reason.slice(0, 3000), {
    Applied: applied.join(','),
    PgCron: pgCron,
  });
}

function describePgCron(outcome: PgCronOutcome): string {
  switch (outcome.status) {
    case 'scheduled':
      return `pg_cron ${outcome.version}: ${outcome.job} every ${outcome.schedule}`;
    case 'too-old':
    case 'failed':
      return `pg_cron ${outcome.version} not used (${outcome.reason}); Scheduler sweeper only`;
    case 'unavailable':
      return `pg_cron unavailable (${outcome.reason}); Scheduler sweeper only`;
  }
}

async function respond(
  event: CloudFormationCustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  reason: string,
  data: Record<string, string>,
): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '' },
  });
  if (!response.ok) throw new Error(`CloudFormation response upload failed: HTTP ${response.status}`);
}

function migrationsDirectory(): string {
  return process.env.ROWHOOK_MIGRATIONS_DIR ?? path.join(process.env.LAMBDA_TASK_ROOT ?? '.', 'migrations');
}

export async function migrate(props: MigrationProperties): Promise<MigrationResult> {
  const files = await loadMigrations(migrationsDirectory());
  const bundled = files.map((f) => `${f.name}:${f.checksum}`);
  if (JSON.stringify(bundled) !== JSON.stringify(props.Migrations)) {
    throw new Error(
      `The migrations bundled with this function (${bundled.join(', ')}) differ from the ones synthesized (${props.Migrations.join(', ')})`,
    );
  }
  const db = new DataApi(props);
  await db.waitUntilAvailable();
  // The extension behind the capture trigger's nudge; the master user is rds_superuser.
  await db.run('create extension if not exists aws_lambda cascade');
  await db.run('create schema if not exists rowhook');
  await db.run(
    `create table if not exists ${TABLE} (version integer primary key, name text not null,
       checksum text not null, applied_at timestamptz not null default now())`,
  );
  const done = new Map(
    (await db.run(`select version, checksum from ${TABLE}`)).map((row) => [
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
    { name: 'fn', value: { stringValue: props.RelayFunctionArn } },
    { name: 'region', value: { stringValue: props.Region } },
  ]);
  // Last, so the job's first run finds the schema and the relay setting in place.
  const pgCron = await ensurePgCronSweep(db, {
    ...(props.PgCronSweepJob ? { job: props.PgCronSweepJob } : {}),
    ...(props.PgCronSweepSchedule ? { schedule: props.PgCronSweepSchedule } : {}),
  });
  return { applied, pgCron };
}

async function applyOne(db: DataApi, migration: MigrationFile): Promise<void> {
  const statements = splitStatements(migration.sql);
  const transactionId = await db.begin();
  let index = 0;
  try {
    await db.run(
      'select pg_advisory_xact_lock(:key)',
      [{ name: 'key', value: { longValue: MIGRATION_LOCK_KEY } }],
      transactionId,
    );
    for (const statement of statements) {
      index++;
      await db.run(statement, [], transactionId);
    }
    await db.run(
      `insert into ${TABLE} (version, name, checksum) values (:version, :name, :checksum)`,
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

class DataApi {
  constructor(private readonly props: MigrationProperties) {}

  private get target() {
    return {
      resourceArn: this.props.ClusterArn,
      secretArn: this.props.SecretArn,
      database: this.props.Database,
    };
  }

  /** A cluster that scaled to zero answers DatabaseResumingException until it is back. */
  async waitUntilAvailable(): Promise<void> {
    const deadline = Date.now() + 5 * 60_000;
    for (let delay = 2_000; ; delay = Math.min(delay * 2, 20_000)) {
      try {
        await this.run('select 1');
        return;
      } catch (error) {
        const name = (error as Error).name;
        const retryable = name === 'DatabaseResumingException' || name === 'DatabaseUnavailableException';
        if (!retryable || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async run(sql: string, parameters: SqlParameter[] = [], transactionId?: string) {
    const out = await client.send(
      new ExecuteStatementCommand({
        ...this.target,
        sql,
        parameters,
        ...(transactionId ? { transactionId } : {}),
      }),
    );
    return out.records ?? [];
  }

  async begin(): Promise<string> {
    const out = await client.send(new BeginTransactionCommand(this.target));
    if (!out.transactionId) throw new Error('Data API returned no transaction id');
    return out.transactionId;
  }

  async commit(transactionId: string): Promise<void> {
    await client.send(
      new CommitTransactionCommand({
        resourceArn: this.props.ClusterArn,
        secretArn: this.props.SecretArn,
        transactionId,
      }),
    );
  }

  async rollback(transactionId: string): Promise<void> {
    await client.send(
      new RollbackTransactionCommand({
        resourceArn: this.props.ClusterArn,
        secretArn: this.props.SecretArn,
        transactionId,
      }),
    );
  }
}
