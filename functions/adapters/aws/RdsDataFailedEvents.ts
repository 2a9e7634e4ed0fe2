import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { FailedEvents } from '../../ports/FailedEvents.ts';
import {
  decodeFailedEventsCursor,
  FAILED_EVENTS_SQL,
  type FailedEventRow,
  failedEventsPage,
} from '../sql/failedEventsQuery.ts';
import { toAwsError } from './errors.ts';

/** The failed-events view over the RDS Data API: the same SQL as PgFailedEvents, named parameters. */
export class RdsDataFailedEvents implements FailedEvents {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: { resourceArn: string; secretArn: string; database: string },
  ) {}

  async list(filter: { tenantId?: string }, page: { limit: number; cursor: string | null }) {
    const before = decodeFailedEventsCursor(page.cursor);
    try {
      const response = await this.client.send(
        new ExecuteStatementCommand({
          ...this.target,
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
      const rows = response.formattedRecords
        ? (JSON.parse(response.formattedRecords) as FailedEventRow[])
        : [];
      return failedEventsPage(rows, page.limit);
    } catch (error) {
      throw toAwsError(error, 'listing failed events through the RDS Data API');
    }
  }
}
