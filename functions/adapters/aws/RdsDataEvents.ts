import { ExecuteStatementCommand, type RDSDataClient, type SqlParameter } from '@aws-sdk/client-rds-data';
import type { JsonSchema } from '../../core/catalog/JsonSchema.ts';
import { RowhookError } from '../../core/errors/RowhookError.ts';
import type { EventCatalog } from '../../ports/EventCatalog.ts';
import type { EventPublisher, PublishRequest } from '../../ports/EventPublisher.ts';
import {
  type CatalogRow,
  EVENT_SQL,
  eventRejection,
  toEventType,
  toSchemaVersion,
  type VersionRow,
} from '../sql/eventSql.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';
import { runAsTenant } from './runAsTenant.ts';

const text = (value: string | null): SqlParameter['value'] =>
  value === null ? { isNull: true } : { stringValue: value };

/**
 * rowhook.publish and the event catalog over the RDS Data API, for the API Lambda: the same SQL as
 * PgEvents. Each publish is one auto-committed statement (its own transaction), so rolled-back
 * publishes are a SQL-side matter: applications publish in their own transactions with rowhook.publish.
 */
export class RdsDataEvents implements EventPublisher, EventCatalog {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: {
      resourceArn: string;
      secretArn: string;
      database: string;
      /** When given, a publish runs as this row-level-security role, scoped to its tenant (runAsTenant). */
      tenantSecretArn?: string;
    },
  ) {}

  async publish(request: PublishRequest): Promise<string> {
    const { tenantSecretArn, ...allTenants } = this.target;
    if (!tenantSecretArn) return this.publishAs(request);
    try {
      return await runAsTenant(this.client, { ...allTenants, tenantSecretArn }, request.tenantId, (scope) =>
        this.publishAs(request, scope),
      );
    } catch (error) {
      if (error instanceof RowhookError) throw error;
      throw toAwsError(error, "publishing an event as the event's tenant through the RDS Data API");
    }
  }

  private async publishAs(
    request: PublishRequest,
    scope?: { transactionId: string; secretArn: string },
  ): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      EVENT_SQL.publish({
        tenantId: ':tenantId',
        type: ':type',
        data: ':data',
        idempotencyKey: ':idempotencyKey',
        orderingKey: ':orderingKey',
      }),
      [
        { name: 'tenantId', value: text(request.tenantId) },
        { name: 'type', value: text(request.type) },
        { name: 'data', value: text(JSON.stringify(request.data)) },
        { name: 'idempotencyKey', value: text(request.idempotencyKey) },
        { name: 'orderingKey', value: text(request.orderingKey) },
      ],
      'publishing an event',
      scope,
    );
    if (!row) throw new AwsAdapterError('rowhook.publish returned no row');
    return row.id;
  }

  async list(tenantId: string | null) {
    const rows = await this.query<CatalogRow>(
      EVENT_SQL.catalog({ tenantId: ':tenantId' }),
      [{ name: 'tenantId', value: text(tenantId) }],
      'reading the event catalog',
    );
    return rows.map(toEventType);
  }

  async register(type: string, schema: JsonSchema): Promise<number> {
    const [row] = await this.query<{ version: number }>(
      EVENT_SQL.register({ type: ':type', schema: ':schema' }),
      [
        { name: 'type', value: text(type) },
        { name: 'schema', value: text(JSON.stringify(schema)) },
      ],
      'registering an event schema',
    );
    return Number(row?.version);
  }

  async versions(type: string) {
    const rows = await this.query<VersionRow>(
      EVENT_SQL.versions({ type: ':type' }),
      [{ name: 'type', value: text(type) }],
      'reading event schema versions',
    );
    return rows.map(toSchemaVersion);
  }

  private async query<T>(
    sql: string,
    parameters: SqlParameter[],
    doing: string,
    scope: { transactionId?: string; secretArn?: string } = {},
  ): Promise<T[]> {
    const { tenantSecretArn: _tenantRole, ...target } = this.target;
    try {
      const response = await this.client.send(
        new ExecuteStatementCommand({ ...target, ...scope, sql, parameters, formatRecordsAs: 'JSON' }),
      );
      return response.formattedRecords ? (JSON.parse(response.formattedRecords) as T[]) : [];
    } catch (error) {
      const message = (error as { message?: unknown } | null)?.message;
      const rejection = typeof message === 'string' ? eventRejection(message) : null;
      throw rejection ?? toAwsError(error, `${doing} through the RDS Data API`);
    }
  }
}
