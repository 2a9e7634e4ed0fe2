import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { OutboxEvent } from '../../core/events/OutboxEvent.ts';
import type { NewOutboxEvent, OutboxSource, OutboxWriter, PublishOutcome } from '../../ports/OutboxSource.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';

export interface RdsDataOutboxSourceOptions {
  /** Aurora cluster ARN. */
  resourceArn: string;
  /** Secrets Manager ARN of the database credentials the Data API signs in with. */
  secretArn: string;
  database: string;
  /**
   * Body bytes fetched per ExecuteStatement. The Data API ends a call whose result is over 1 MB, so
   * bodies are read in chunks below that, and a single body over it is rejected rather than read.
   */
  maxFetchBytes?: number;
}

interface ClaimRow {
  id: string;
  tenant_id: string;
  event_type: string;
  occurred_at: string;
  target_endpoint_id: string | null;
  body_bytes: number;
}

const DEFAULT_MAX_FETCH_BYTES = 768 * 1024;

/**
 * The outbox over the RDS Data API, so the relay Lambda needs no VPC or connection pool. Same SQL
 * as PgOutboxSource (claim with FOR UPDATE SKIP LOCKED inside a transaction that stays open while
 * publishing); the Data API threads the transaction by id across calls.
 */
export class RdsDataOutboxSource implements OutboxSource, OutboxWriter {
  private readonly maxFetchBytes: number;

  constructor(
    private readonly client: RDSDataClient,
    private readonly options: RdsDataOutboxSourceOptions,
  ) {
    this.maxFetchBytes = options.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES;
  }

  async claimUnpublished(
    limit: number,
    publish: (events: OutboxEvent[]) => Promise<PublishOutcome>,
  ): Promise<number> {
    const transactionId = await this.begin();
    try {
      // Bodies are not selected here: the claim stays small however big the events are.
      const rows = await this.query<ClaimRow>(
        `select id::text as id, tenant_id, event_type, to_json(occurred_at) #>> '{}' as occurred_at,
                target_endpoint_id, octet_length(body) as body_bytes
           from rowhook.outbox
          where published_at is null
          order by id
          limit :limit
          for update skip locked`,
        [{ name: 'limit', value: { longValue: limit } }],
        transactionId,
      );
      if (rows.length === 0) {
        await this.commit(transactionId);
        return 0;
      }
      const reasons = new Map<string, string>();
      const fetchable = rows.filter((row) => {
        if (row.body_bytes <= this.maxFetchBytes) return true;
        reasons.set(
          row.id,
          `event body is ${row.body_bytes} bytes, over the ${this.maxFetchBytes}-byte limit the RDS Data API can read; exclude large columns with rowhook.track_table(..., exclude_columns => ...)`,
        );
        return false;
      });
      const bodies = await this.fetchBodies(fetchable, transactionId);
      const events = fetchable.map((row) => toEvent(row, bodies.get(row.id)));
      const outcome = events.length > 0 ? await publish(events) : { rejected: [] };
      for (const rejected of outcome.rejected) reasons.set(rejected.eventId, rejected.reason);
      await this.query(
        `update rowhook.outbox o
            set published_at = now(), publish_error = r.reason
           from json_to_recordset(cast(:rows as json)) as r(id uuid, reason text)
          where o.id = r.id`,
        [
          {
            name: 'rows',
            typeHint: 'JSON',
            value: {
              stringValue: JSON.stringify(rows.map((r) => ({ id: r.id, reason: reasons.get(r.id) ?? null }))),
            },
          },
        ],
        transactionId,
      );
      await this.commit(transactionId);
      return rows.length;
    } catch (error) {
      // Leaves the rows unpublished and unlocked for the next run; a rollback failure must not hide
      // the error that caused it (the transaction then times out on the server).
      await this.rollback(transactionId).catch(() => undefined);
      throw error;
    }
  }

  async append(event: NewOutboxEvent): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      // append_event also queues the commit-time nudge, so Aurora wakes the relay for test events.
      'select rowhook.append_event(:tenantId, :type, :body, :targetEndpointId)::text as id',
      [
        { name: 'tenantId', value: { stringValue: event.tenantId } },
        { name: 'type', value: { stringValue: event.type } },
        { name: 'body', value: { stringValue: event.body } },
        {
          name: 'targetEndpointId',
          value: event.targetEndpointId === null ? { isNull: true } : { stringValue: event.targetEndpointId },
        },
      ],
    );
    if (!row) throw new AwsAdapterError('outbox insert returned no row');
    return row.id;
  }

  /** Reads bodies as text (exact bytes, no JSON round trip), in chunks under the response limit. */
  private async fetchBodies(rows: ClaimRow[], transactionId: string): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    let chunk: string[] = [];
    let chunkBytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const found = await this.query<{ id: string; body: string }>(
        `select id::text as id, body from rowhook.outbox
          where id in (select value::uuid from json_array_elements_text(cast(:ids as json)))`,
        [{ name: 'ids', typeHint: 'JSON', value: { stringValue: JSON.stringify(chunk) } }],
        transactionId,
      );
      for (const row of found) bodies.set(row.id, row.body);
      chunk = [];
      chunkBytes = 0;
    };
    for (const row of rows) {
      // JSON formatting can double a body's size (escaped quotes); budget for that.
      const cost = 2 * row.body_bytes + 200;
      if (chunkBytes + cost > 2 * this.maxFetchBytes) await flush();
      chunk.push(row.id);
      chunkBytes += cost;
    }
    await flush();
    return bodies;
  }

  private async query<T>(sql: string, parameters: SqlParameter[], transactionId?: string): Promise<T[]> {
    const input: ExecuteStatementCommandInput = {
      ...this.target(),
      sql,
      parameters,
      formatRecordsAs: 'JSON',
      ...(transactionId ? { transactionId } : {}),
    };
    try {
      const response = await this.client.send(new ExecuteStatementCommand(input));
      return response.formattedRecords ? (JSON.parse(response.formattedRecords) as T[]) : [];
    } catch (error) {
      throw toAwsError(error, 'querying the outbox through the RDS Data API');
    }
  }

  private target() {
    return {
      resourceArn: this.options.resourceArn,
      secretArn: this.options.secretArn,
      database: this.options.database,
    };
  }

  private async begin(): Promise<string> {
    try {
      const response = await this.client.send(new BeginTransactionCommand(this.target()));
      if (!response.transactionId) throw new AwsAdapterError('BeginTransaction returned no transactionId');
      return response.transactionId;
    } catch (error) {
      throw toAwsError(error, 'beginning an outbox transaction');
    }
  }

  private async commit(transactionId: string): Promise<void> {
    try {
      await this.client.send(
        new CommitTransactionCommand({
          resourceArn: this.options.resourceArn,
          secretArn: this.options.secretArn,
          transactionId,
        }),
      );
    } catch (error) {
      throw toAwsError(error, 'committing an outbox transaction');
    }
  }

  private async rollback(transactionId: string): Promise<void> {
    try {
      await this.client.send(
        new RollbackTransactionCommand({
          resourceArn: this.options.resourceArn,
          secretArn: this.options.secretArn,
          transactionId,
        }),
      );
    } catch (error) {
      throw toAwsError(error, 'rolling back an outbox transaction');
    }
  }
}

function toEvent(row: ClaimRow, body: string | undefined): OutboxEvent {
  if (body === undefined)
    throw new AwsAdapterError(`claimed outbox row ${row.id} disappeared while reading bodies`);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.event_type,
    body,
    occurredAt: new Date(row.occurred_at),
    targetEndpointId: row.target_endpoint_id,
  };
}
