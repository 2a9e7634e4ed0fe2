import path from 'node:path';
import {
  BadRequestException,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type Field,
  RDSDataClient,
} from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { PG_CRON_HISTORY, PG_CRON_SWEEP } from '../../functions/adapters/aws/migrations/constants.ts';
import { atLeast } from '../../functions/adapters/aws/migrations/pgCron.ts';
import { loadMigrations, type MigrationFile } from '../../functions/adapters/sql/loadMigrations.ts';
import type { MigrationProperties } from '../../functions/handlers/createMigrateHandler.ts';
import { handler, migrate } from '../../functions/handlers/migrate.ts';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../sql/migrations');
const rds = mockClient(RDSDataClient);

interface Scenario {
  /** Versions already recorded in rowhook.schema_migrations; default: every file. */
  applied?: MigrationFile[];
  /** Thrown by `create extension if not exists pg_cron`. */
  createExtensionError?: Error;
  /** `extversion` of pg_cron once created. */
  pgCronVersion?: string;
  /** Thrown by `cron.schedule(...)`. */
  scheduleError?: Error;
}

let files: MigrationFile[];
let calls: ExecuteStatementCommandInput[];
let log: MockInstance<typeof console.log>;

function badRequest(message: string) {
  return new BadRequestException({ message, $metadata: {} });
}

function fakeDataApi(scenario: Scenario) {
  const applied = scenario.applied ?? files;
  rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
  rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
  rds.on(ExecuteStatementCommand).callsFake(async (input: ExecuteStatementCommandInput) => {
    calls.push(input);
    const sql = input.sql ?? '';
    if (sql.startsWith('select version, checksum from rowhook.schema_migrations')) {
      return {
        records: applied.map((f): Field[] => [{ longValue: f.version }, { stringValue: f.checksum }]),
      };
    }
    if (sql === 'create extension if not exists pg_cron' && scenario.createExtensionError) {
      throw scenario.createExtensionError;
    }
    if (sql.includes('from pg_catalog.pg_extension')) {
      return { records: scenario.pgCronVersion ? [[{ stringValue: scenario.pgCronVersion }]] : [] };
    }
    if (sql.startsWith('select cron.schedule') && scenario.scheduleError) throw scenario.scheduleError;
    return { records: [] };
  });
}

function properties(): MigrationProperties {
  return {
    ClusterArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:rowhook-test',
    SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rowhook/test/aurora-data-api',
    Database: 'rowhook',
    RelayFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:rowhook-test-relay',
    Region: 'eu-west-1',
    Migrations: files.map((f) => `${f.name}:${f.checksum}`),
  };
}

const sqlOf = () => calls.map((c) => c.sql ?? '');
const indexOf = (prefix: string) => sqlOf().findIndex((sql) => sql.startsWith(prefix));
const scheduleCalls = () =>
  calls
    .filter((c) => c.sql?.startsWith('select cron.schedule'))
    .map((c) => Object.fromEntries((c.parameters ?? []).map((p) => [p.name, p.value?.stringValue])));
const pgCronLogs = () =>
  log.mock.calls
    .map(([line]) => JSON.parse(String(line)) as Record<string, unknown>)
    .filter((entry) => entry.message === 'pg_cron sweep');

beforeEach(async () => {
  files = await loadMigrations(MIGRATIONS);
  calls = [];
  rds.reset();
  vi.stubEnv('ROWHOOK_MIGRATIONS_DIR', MIGRATIONS);
  log = vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('migration custom resource: pg_cron sweep', () => {
  it('schedules rowhook-sweep every 10 seconds after the migrations when pg_cron is 1.5 or newer', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    const result = await migrate(properties());

    expect(result.pgCron).toEqual({
      status: 'scheduled',
      version: '1.6',
      job: 'rowhook-sweep',
      schedule: '10 seconds',
    });
    // After the schema and the relay setting it nudges are in place.
    const settings = indexOf('update rowhook.settings set relay_function');
    expect(settings).toBeGreaterThan(0);
    expect(indexOf('create extension if not exists pg_cron')).toBeGreaterThan(settings);
    expect(indexOf('select cron.schedule')).toBeGreaterThan(
      indexOf('create extension if not exists pg_cron'),
    );
    expect(scheduleCalls()).toEqual([
      { job: 'rowhook-sweep', schedule: '10 seconds', command: PG_CRON_SWEEP.command },
      { job: PG_CRON_HISTORY.job, schedule: PG_CRON_HISTORY.schedule, command: PG_CRON_HISTORY.command },
    ]);
    expect(PG_CRON_SWEEP.command).toMatch(/^select rowhook\.send_nudge\(\)/);
    // Outside any migration transaction: CREATE EXTENSION and cron.schedule commit on their own.
    for (const call of calls.filter((c) => /pg_cron|cron\./.test(c.sql ?? ''))) {
      expect(call.transactionId).toBeUndefined();
      expect(call.database).toBe('rowhook');
    }
    expect(pgCronLogs()).toEqual([expect.objectContaining({ status: 'scheduled', version: '1.6' })]);
  });

  it('converges on one job per name across deploys (cron.schedule upserts by name, nothing else adds jobs)', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await migrate(properties());
    await migrate(properties());
    const jobs = scheduleCalls().map((c) => c.job);
    expect(jobs).toEqual(['rowhook-sweep', PG_CRON_HISTORY.job, 'rowhook-sweep', PG_CRON_HISTORY.job]);
    // Only the upsert-by-name form: the two-argument cron.schedule(schedule, command) would add a job each time.
    for (const call of calls.filter((c) => c.sql?.startsWith('select cron.schedule'))) {
      expect(call.parameters?.map((p) => p.name)).toEqual(['job', 'schedule', 'command']);
    }
    expect(sqlOf().filter((sql) => /cron\.(unschedule|alter_job)|insert into cron\./.test(sql))).toEqual([]);
  });

  it('takes the job name and schedule from the resource properties when given', async () => {
    fakeDataApi({ pgCronVersion: '1.5' });
    const result = await migrate({
      ...properties(),
      PgCronSweepJob: 'rowhook-sweep',
      PgCronSweepSchedule: '5 seconds',
    });
    expect(result.pgCron).toMatchObject({ status: 'scheduled', schedule: '5 seconds' });
    expect(scheduleCalls()[0]).toMatchObject({ job: 'rowhook-sweep', schedule: '5 seconds' });
  });

  it('runs pg_cron only after every pending migration has committed', async () => {
    fakeDataApi({ applied: [], pgCronVersion: '1.6' });
    const result = await migrate(properties());
    expect(result.applied).toEqual(files.map((f) => f.name));
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(files.length);
    const recorded = sqlOf()
      .map((sql, index) => (sql.startsWith('insert into rowhook.schema_migrations') ? index : -1))
      .filter((index) => index >= 0);
    expect(recorded).toHaveLength(files.length);
    const lastRecorded = Math.max(...recorded);
    expect(indexOf('create extension if not exists pg_cron')).toBeGreaterThan(lastRecorded);
  });

  it('logs and schedules nothing when pg_cron is older than 1.5 (no second schedules)', async () => {
    fakeDataApi({ pgCronVersion: '1.4' });
    const result = await migrate(properties());
    expect(result.pgCron).toMatchObject({ status: 'too-old', version: '1.4' });
    expect(scheduleCalls()).toEqual([]);
    expect(pgCronLogs()).toEqual([
      expect.objectContaining({
        status: 'too-old',
        fallback: expect.stringContaining('EventBridge Scheduler'),
      }),
    ]);
  });

  it('logs and continues when the extension cannot be created (not preloaded yet)', async () => {
    fakeDataApi({
      createExtensionError: badRequest(
        'ERROR: pg_cron can only be loaded via shared_preload_libraries; SQLState: 55000',
      ),
    });
    const result = await migrate(properties());
    expect(result.pgCron).toEqual({
      status: 'unavailable',
      reason: expect.stringContaining('shared_preload_libraries'),
    });
    expect(sqlOf().some((sql) => sql.includes('pg_extension'))).toBe(false);
    expect(scheduleCalls()).toEqual([]);
  });

  it('reports SUCCESS to CloudFormation whatever happens to pg_cron, and says what happened', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: { body: string }) => {
        bodies.push(JSON.parse(init.body));
        return { ok: true, status: 200 };
      }),
    );
    const event = {
      RequestType: 'Update',
      ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Rowhook-test/1',
      RequestId: 'req-1',
      LogicalResourceId: 'DatabaseMigrations',
      ResourceType: 'Custom::RowhookMigrations',
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate',
      ResourceProperties: { ServiceToken: 'x', ...properties() },
    } as unknown as CloudFormationCustomResourceEvent;

    fakeDataApi({ pgCronVersion: '1.6', scheduleError: badRequest('permission denied for schema cron') });
    await handler(event);
    rds.reset();
    fakeDataApi({ createExtensionError: badRequest('extension "pg_cron" is not available') });
    await handler(event);
    rds.reset();
    fakeDataApi({ pgCronVersion: '1.6' });
    await handler(event);

    expect(bodies.map((b) => b.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(bodies.map((b) => (b.Data as { PgCron: string }).PgCron)).toEqual([
      'pg_cron 1.6 not used (permission denied for schema cron); Scheduler sweeper only',
      'pg_cron unavailable (extension "pg_cron" is not available); Scheduler sweeper only',
      'pg_cron 1.6: rowhook-sweep every 10 seconds',
    ]);
    expect(String(bodies[2]?.Reason)).toBe('schema up to date; pg_cron 1.6: rowhook-sweep every 10 seconds');
  });

  it('leaves pg_cron alone when the stack is deleted', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => ({ ok: true, status: 200 })),
    );
    fakeDataApi({ pgCronVersion: '1.6' });
    await handler({
      RequestType: 'Delete',
      ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
      StackId: 'stack',
      RequestId: 'req-2',
      LogicalResourceId: 'DatabaseMigrations',
      ResourceProperties: properties(),
    } as unknown as CloudFormationCustomResourceEvent);
    expect(rds.calls()).toHaveLength(0);
  });

  it('compares pg_cron versions numerically', () => {
    const min = [1, 5] as const;
    expect(['1.5', '1.6', '1.10', '2.0', '1.5.2', ' 1.6 '].map((v) => atLeast(v, min))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['1.4', '1.3.1', '0.9', '', 'unknown'].map((v) => atLeast(v, min))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('migration custom resource: nudge interval (rowhook:nudgeIntervalMs)', () => {
  it('sets rowhook.settings.nudge_interval_ms from NudgeIntervalMs, before pg_cron', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await migrate({ ...properties(), NudgeIntervalMs: '250' });
    const index = indexOf('update rowhook.settings set nudge_interval_ms');
    expect(index).toBeGreaterThan(indexOf('update rowhook.settings set relay_function'));
    expect(index).toBeLessThan(indexOf('create extension if not exists pg_cron'));
    expect(calls[index]?.parameters).toEqual([{ name: 'ms', value: { longValue: 250 } }]);
    expect(calls[index]?.transactionId).toBeUndefined();
  });

  it('leaves the interval alone when the property is absent (an older template)', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await migrate(properties());
    expect(indexOf('update rowhook.settings set nudge_interval_ms')).toBe(-1);
  });

  it('refuses a fractional interval instead of letting the Data API round it', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await expect(migrate({ ...properties(), NudgeIntervalMs: '12.5' })).rejects.toThrow(/whole number/);
  });
});

describe('migration custom resource: tenant role (row-level security for tenant-scoped calls)', () => {
  const secrets = mockClient(SecretsManagerClient);
  const TENANT_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rowhook/test/aurora-tenant';
  const password = 'Gen3rated-Secret-Password_1234567890';

  beforeEach(() => {
    secrets.reset();
    secrets
      .on(GetSecretValueCommand, { SecretId: TENANT_SECRET })
      .resolves({ SecretString: JSON.stringify({ username: 'rowhook_app', password, engine: 'postgres' }) });
  });

  it('creates the tenant role after the migrations and before pg_cron, with a verifier and never the password', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await migrate({ ...properties(), TenantSecretArn: TENANT_SECRET });

    const create = indexOf('do $$ begin create role "rowhook_app" login in role rowhook_tenant');
    expect(create).toBeGreaterThan(indexOf('update rowhook.settings set relay_function'));
    expect(create).toBeLessThan(indexOf('create extension if not exists pg_cron'));
    expect(sqlOf()[create]).toMatch(/password 'SCRAM-SHA-256\$4096:[^']+'/);
    expect(sqlOf().join('\n')).not.toContain(password);
    expect(sqlOf()).toContain('grant select, insert on rowhook.outbox to rowhook_tenant');
    expect(sqlOf()).toContain('grant select on rowhook.delivery_sequences to rowhook_tenant');
  });

  it('fails the deploy with a clear message when the tenant secret is not a database secret', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    secrets.on(GetSecretValueCommand, { SecretId: TENANT_SECRET }).resolves({ SecretString: 'hunter2' });
    await expect(migrate({ ...properties(), TenantSecretArn: TENANT_SECRET })).rejects.toThrow(
      /not JSON with "username" and "password"/,
    );
  });

  it('creates no role when the template names no tenant secret (an older template)', async () => {
    fakeDataApi({ pgCronVersion: '1.6' });
    await migrate(properties());
    expect(sqlOf().some((sql) => sql.includes('rowhook_tenant'))).toBe(false);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
