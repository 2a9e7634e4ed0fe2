import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { MigrationResult } from '../adapters/aws/migrations/applyDataApiMigrations.ts';
import type { PgCronOutcome } from '../adapters/aws/migrations/pgCron.ts';
import type { HandlerLogger } from './observability.ts';
import type { CustomResourceResult } from './respondToCloudFormation.ts';

/** What the stack passes (`Custom::RowhookMigrations`). */
export interface MigrationProperties {
  ClusterArn: string;
  SecretArn: string;
  /** The secret of the role tenant-scoped calls run as; created with its grants by this resource. */
  TenantSecretArn?: string;
  Database: string;
  RelayFunctionArn: string;
  Region: string;
  /** `name:sha256` of every file at synth time; the bundle must carry exactly these. */
  Migrations: string[];
  /** pg_cron job name and schedule of the sweep nudge (defaults in adapters/aws/migrations/constants.ts). */
  PgCronSweepJob?: string;
  PgCronSweepSchedule?: string;
  /** rowhook:nudgeIntervalMs as a string (CloudFormation passes every property as one). */
  NudgeIntervalMs?: string;
}

export interface MigrateDependencies {
  migrate: (properties: MigrationProperties) => Promise<MigrationResult>;
  logger: HandlerLogger;
}

/** One schema per stack, so one physical id: every deploy is an update of the same resource. */
export const MIGRATIONS_PHYSICAL_ID = 'rowhook-schema-migrations';

/**
 * The migrations custom resource (return to succeed, throw to fail the deploy; wrapped by
 * respondToCloudFormation): Create and Update apply `sql/migrations` over the Data API and say what
 * they applied and what became of the pg_cron sweep; Delete changes nothing.
 */
export function createMigrateHandler(deps: MigrateDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResult> => {
    let reason = 'ok';
    let applied: string[] = [];
    let pgCron = 'not attempted';
    // Deleting the stack never drops the schema: the database keeps (or snapshots) the data.
    if (event.RequestType !== 'Delete') {
      const result = await deps.migrate(event.ResourceProperties as unknown as MigrationProperties);
      applied = result.applied;
      // Short: the whole CloudFormation response must stay under 4 KB.
      pgCron = describePgCron(result.pgCron).slice(0, 500);
      reason = `${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}; ${pgCron}`;
    }
    deps.logger.info('migrations', { requestType: event.RequestType, reason });
    return {
      PhysicalResourceId: MIGRATIONS_PHYSICAL_ID,
      Reason: reason.slice(0, 3000),
      Data: { Applied: applied.join(','), PgCron: pgCron },
    };
  };
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
