import { ExecuteStatementCommand, type RDSDataClient, type SqlParameter } from '@aws-sdk/client-rds-data';
import type { EventFeed, FeedEvent } from '../../ports/EventFeed.ts';
import { toAwsError } from './errors.ts';
import { bodyFetchCost } from './RdsDataOutboxSource.ts';
import { runAsTenant } from './runAsTenant.ts';

export interface EventFeedTarget {
  resourceArn: string;
  database: string;
  /** The master secret: used (with the query's tenant filter) only when no tenant secret is given. */
  secretArn: string;
  /** A role row-level security applies to: the feed runs as it, scoped to the caller's tenant. */
  tenantSecretArn?: string;
  /** Response bytes budgeted per body read (the Data API's 1 MiB limit); see RdsDataOutboxSource. */
  maxFetchBytes?: number;
  /** Body bytes per page: the API Lambda's response is limited to 6 MB, so a page stops before this. */
  maxPageBytes?: number;
}

interface PageRow {
  sequence: number;
  event_id: string;
  event_type: string;
  occurred_at: string;
  body_bytes: number;
  published: boolean;
}

const DEFAULT_MAX_FETCH_BYTES = 960 * 1024;
const DEFAULT_MAX_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * The catch-up feed on AWS, from rowhook.delivery_sequences (numbers the relay committed before
 * publishing, migration 0021) and the outbox bodies, over the Data API.
 *
 * Gap-free: numbers of an endpoint commit in ascending order (the counter row is locked by each
 * numbering until it commits), so a snapshot that holds N+1 holds N. But a number commits before
 * its event's outbox claim does, and that claim is what makes the body final (it appends the
 * `transaction` field and sets published_at): a page therefore ends before the first number whose
 * event is not published yet. Published events beyond it wait for the next poll; a relay that died
 * before committing holds the feed there until its events are claimed again (by the next run).
 */
export class RdsDataEventFeed implements EventFeed {
  private readonly maxFetchBytes: number;
  private readonly maxPageBytes: number;

  constructor(
    private readonly client: RDSDataClient,
    private readonly target: EventFeedTarget,
  ) {
    this.maxFetchBytes = target.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES;
    this.maxPageBytes = target.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
  }

  async list(
    tenantId: string,
    endpointId: string,
    page: { after: number; limit: number },
  ): Promise<FeedEvent[]> {
    const { tenantSecretArn, resourceArn, database, secretArn } = this.target;
    const read = (scope: { secretArn: string; transactionId?: string }) =>
      this.read(scope, tenantId, endpointId, page);
    try {
      // Both reads in one transaction, so the bodies are those of the rows the first one listed.
      return tenantSecretArn
        ? await runAsTenant(this.client, { resourceArn, database, tenantSecretArn }, tenantId, read)
        : await read({ secretArn });
    } catch (error) {
      throw toAwsError(error, "reading an endpoint's event feed through the RDS Data API");
    }
  }

  private async read(
    scope: { secretArn: string; transactionId?: string },
    tenantId: string,
    endpointId: string,
    page: { after: number; limit: number },
  ): Promise<FeedEvent[]> {
    // Outbox rows removed by retention are skipped (their numbers are past the retention window).
    const rows = await this.query<PageRow>(
      scope,
      `select s.sequence, s.event_id::text as event_id, o.event_type,
              to_json(o.occurred_at) #>> '{}' as occurred_at, octet_length(o.body) as body_bytes,
              o.published_at is not null as published
         from rowhook.delivery_sequences s
         join rowhook.outbox o on o.id = s.event_id and o.tenant_id = s.tenant_id
        where s.tenant_id = :tenantId and s.endpoint_id = :endpointId and s.sequence > :after
        order by s.sequence
        limit :limit`,
      [
        { name: 'tenantId', value: { stringValue: tenantId } },
        { name: 'endpointId', value: { stringValue: endpointId } },
        { name: 'after', value: { longValue: page.after } },
        { name: 'limit', value: { longValue: page.limit } },
      ],
    );
    const listed: PageRow[] = [];
    let pageBytes = 0;
    for (const row of rows) {
      if (!row.published) break;
      if (listed.length > 0 && pageBytes + row.body_bytes > this.maxPageBytes) break;
      listed.push(row);
      pageBytes += row.body_bytes;
    }
    const bodies = await this.fetchBodies(scope, listed);
    const events: FeedEvent[] = [];
    for (const row of listed) {
      const body = bodies.get(row.event_id);
      // Purged between the two reads (only possible without the tenant role's transaction): stop
      // there rather than skip a number.
      if (body === undefined) break;
      events.push({
        sequence: Number(row.sequence),
        eventId: row.event_id,
        eventType: row.event_type,
        body,
        occurredAt: new Date(row.occurred_at),
      });
    }
    return events;
  }

  /** Bodies as text (the exact bytes), in chunks whose results stay under the Data API's limit. */
  private async fetchBodies(
    scope: { secretArn: string; transactionId?: string },
    rows: PageRow[],
  ): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    const chunks: string[][] = [];
    let chunk: string[] = [];
    let chunkBytes = 0;
    for (const row of rows) {
      const cost = bodyFetchCost(row.body_bytes);
      if (chunk.length > 0 && chunkBytes + cost > this.maxFetchBytes) {
        chunks.push(chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(row.event_id);
      chunkBytes += cost;
    }
    if (chunk.length > 0) chunks.push(chunk);
    for (const ids of chunks) {
      const found = await this.query<{ id: string; body: string }>(
        scope,
        `select id::text as id, body from rowhook.outbox
          where id in (select value::uuid from json_array_elements_text(cast(:ids as json)))`,
        [{ name: 'ids', typeHint: 'JSON', value: { stringValue: JSON.stringify(ids) } }],
      );
      for (const row of found) bodies.set(row.id, row.body);
    }
    return bodies;
  }

  private async query<T>(
    scope: { secretArn: string; transactionId?: string },
    sql: string,
    parameters: SqlParameter[],
  ): Promise<T[]> {
    const response = await this.client.send(
      new ExecuteStatementCommand({
        resourceArn: this.target.resourceArn,
        database: this.target.database,
        ...scope,
        sql,
        parameters,
        formatRecordsAs: 'JSON',
      }),
    );
    return response.formattedRecords ? (JSON.parse(response.formattedRecords) as T[]) : [];
  }
}
