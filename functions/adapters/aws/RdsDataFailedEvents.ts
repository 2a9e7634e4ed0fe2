import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { FailedEvents } from '../../ports/FailedEvents.ts';
import {
  decodeFailedEventsCursor,
  FAILED_EVENTS_SQL,
  type FailedEventRow,
  failedEventsPage,
} from '../sql/failedEventsQuery.ts';
import { toAwsError } from './errors.ts';
import { runAsTenant } from './runAsTenant.ts';

export interface FailedEventsTarget {
  resourceArn: string;
  database: string;
  /** Reads across tenants (the operators' view). */
  secretArn: string;
  /** A role row-level security applies to; a tenant's view runs as it (see runAsTenant). */
  tenantSecretArn?: string;
}

/** The failed-events view over the RDS Data API: the same SQL as PgFailedEvents, named parameters. */
export class RdsDataFailedEvents implements FailedEvents {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: FailedEventsTarget,
  ) {}

  async list(filter: { tenantId?: string }, page: { limit: number; cursor: string | null }) {
    const before = decodeFailedEventsCursor(page.cursor);
    const { tenantSecretArn, ...allTenants } = this.target;
    const query = async (scope: { secretArn: string; transactionId?: string }) => {
      const response = await this.client.send(
        new ExecuteStatementCommand({
          ...allTenants,
          ...scope,
          sql: FAILED_EVENTS_SQL({ tenantId: ':tenantId', before: ':before', limit: ':limit' }),
          parameters: [
            {
              name: 'tenantId',
              value: filter.tenantId === undefined ? { isNull: true } : { stringValue: filter.tenantId },
            },
            { name: 'before', value: before === null ? { isNull: true } : { stringValue: before } },
            { name: 'limit', value: { longValue: page.limit + 1 } },
          ],
          formatRecordsAs: 'JSON',
        }),
      );
      return response.formattedRecords ? (JSON.parse(response.formattedRecords) as FailedEventRow[]) : [];
    };
    try {
      const rows =
        filter.tenantId !== undefined && tenantSecretArn
          ? await runAsTenant(this.client, { ...allTenants, tenantSecretArn }, filter.tenantId, query)
          : await query({ secretArn: allTenants.secretArn });
      return failedEventsPage(rows, page.limit);
    } catch (error) {
      throw toAwsError(error, 'listing failed events through the RDS Data API');
    }
  }
}
