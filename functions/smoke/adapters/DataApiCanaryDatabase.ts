import { ExecuteStatementCommand, type RDSDataClient, type SqlParameter } from '@aws-sdk/client-rds-data';
import { CANARY_TABLE } from '../constants.ts';
import type { CanaryDatabase } from '../ports.ts';

export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

const TABLE = `${CANARY_TABLE.schema}.${CANARY_TABLE.table}`;

/**
 * The canary's tracked table through the RDS Data API. Every statement runs on its own (autocommit),
 * so insertRow resolving means the row, and the capture trigger's outbox row, are committed.
 */
export class DataApiCanaryDatabase implements CanaryDatabase {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: DataApiTarget,
  ) {}

  async prepare(): Promise<void> {
    await this.execute(`create schema if not exists ${CANARY_TABLE.schema}`);
    await this.execute(
      `create table if not exists ${TABLE} (id bigint generated always as identity primary key, tenant_id text not null, run_id text not null, written_at timestamptz not null default now())`,
    );
    // track_table replaces the table's capture triggers, so running it every time is harmless.
    await this.execute(`select rowhook.track_table('${TABLE}', 'tenant_id', '${CANARY_TABLE.eventPrefix}')`);
  }

  async insertRow(tenantId: string, runId: string): Promise<void> {
    await this.execute(`insert into ${TABLE} (tenant_id, run_id) values (:tenant, :run)`, [
      text('tenant', tenantId),
      text('run', runId),
    ]);
  }

  async deleteRows(runId: string): Promise<void> {
    await this.execute(`delete from ${TABLE} where run_id = :run`, [text('run', runId)]);
  }

  private async execute(sql: string, parameters: SqlParameter[] = []): Promise<void> {
    await this.client.send(
      new ExecuteStatementCommand({
        resourceArn: this.target.resourceArn,
        secretArn: this.target.secretArn,
        database: this.target.database,
        sql,
        ...(parameters.length > 0 ? { parameters } : {}),
      }),
    );
  }
}

const text = (name: string, value: string): SqlParameter => ({ name, value: { stringValue: value } });
