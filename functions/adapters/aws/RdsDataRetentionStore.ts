import { ExecuteStatementCommand, type RDSDataClient, type SqlParameter } from '@aws-sdk/client-rds-data';
import type { PurgeBatch, RetentionStore } from '../../ports/RetentionStore.ts';
import { RETENTION_SQL } from '../sql/retentionSql.ts';
import { toAwsError } from './errors.ts';

interface BatchRow {
  last_id: string | null;
  scanned: number;
  removed: number;
  attempts?: number;
}

const NAMED = { before: ':before', after: ':after', limit: ':limit' };

/**
 * The purge over the RDS Data API: the same functions as locally (migration 0017), each call one
 * ExecuteStatement outside any transaction, so each batch commits on its own. On AWS only the
 * outbox holds rows (deliveries and attempts live in SQS and DynamoDB), so the delivery batches
 * find nothing and the outbox batches do the work.
 */
export class RdsDataRetentionStore implements RetentionStore {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: { resourceArn: string; secretArn: string; database: string },
  ) {}

  purgeDeliveries(before: Date, after: string | null, limit: number): Promise<PurgeBatch> {
    return this.batch(RETENTION_SQL.purgeDeliveries(NAMED), before, after, limit, 'purging old deliveries');
  }

  purgeOutbox(before: Date, after: string | null, limit: number): Promise<PurgeBatch> {
    return this.batch(RETENTION_SQL.purgeOutbox(NAMED), before, after, limit, 'purging old outbox rows');
  }

  private async batch(sql: string, before: Date, after: string | null, limit: number, doing: string) {
    const parameters: SqlParameter[] = [
      { name: 'before', value: { stringValue: before.toISOString() } },
      { name: 'after', value: after === null ? { isNull: true } : { stringValue: after } },
      { name: 'limit', value: { longValue: limit } },
    ];
    try {
      const response = await this.client.send(
        new ExecuteStatementCommand({ ...this.target, sql, parameters, formatRecordsAs: 'JSON' }),
      );
      const [row] = JSON.parse(response.formattedRecords ?? '[]') as BatchRow[];
      return {
        lastId: row?.last_id ?? null,
        scanned: row?.scanned ?? 0,
        removed: row?.removed ?? 0,
        ...(row?.attempts === undefined ? {} : { attempts: row.attempts }),
      };
    } catch (error) {
      throw toAwsError(error, `${doing} through the RDS Data API`);
    }
  }
}
