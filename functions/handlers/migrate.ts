import path from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  applyDataApiMigrations,
  type MigrationResult,
} from '../adapters/aws/migrations/applyDataApiMigrations.ts';
import { readDatabaseCredentials } from '../adapters/aws/readDatabaseCredentials.ts';
import {
  createMigrateHandler,
  MIGRATIONS_PHYSICAL_ID,
  type MigrationProperties,
} from './createMigrateHandler.ts';
import { createObservability } from './observability.ts';
import { respondToCloudFormation } from './respondToCloudFormation.ts';
import { lazy } from './wiring/lazy.ts';

export { createMigrateHandler };

const { logger } = createObservability('rowhook-migrate');

const rdsDataClient = lazy(() => new RDSDataClient({}));
const secretsManagerClient = lazy(() => new SecretsManagerClient({}));

/** The bundle's `migrations/` folder (copied there at synth time), or ROWHOOK_MIGRATIONS_DIR. */
function migrationsDirectory(): string {
  return process.env.ROWHOOK_MIGRATIONS_DIR ?? path.join(process.env.LAMBDA_TASK_ROOT ?? '.', 'migrations');
}

/** The stack's properties, applied to its cluster over the Data API. */
export async function migrate(properties: MigrationProperties): Promise<MigrationResult> {
  const tenantCredentials = properties.TenantSecretArn
    ? await readDatabaseCredentials(secretsManagerClient(), properties.TenantSecretArn)
    : undefined;
  return applyDataApiMigrations(rdsDataClient(), {
    target: {
      resourceArn: properties.ClusterArn,
      secretArn: properties.SecretArn,
      database: properties.Database,
    },
    directory: migrationsDirectory(),
    expected: properties.Migrations,
    relayFunctionArn: properties.RelayFunctionArn,
    region: properties.Region,
    ...(properties.NudgeIntervalMs === undefined
      ? {}
      : { nudgeIntervalMs: Number(properties.NudgeIntervalMs) }),
    ...(tenantCredentials ? { tenantCredentials } : {}),
    pgCronSweep: {
      ...(properties.PgCronSweepJob ? { job: properties.PgCronSweepJob } : {}),
      ...(properties.PgCronSweepSchedule ? { schedule: properties.PgCronSweepSchedule } : {}),
    },
  });
}

/**
 * Deploy-time custom resource (its own service token, no provider framework): applies
 * `sql/migrations` to Aurora, then schedules the pg_cron sweep nudge where the engine allows it.
 */
export const handler = respondToCloudFormation(
  createMigrateHandler({ migrate, logger }),
  logger,
  MIGRATIONS_PHYSICAL_ID,
);
