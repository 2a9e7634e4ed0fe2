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
import { OUTBOX_SQL } from '../sql/outboxSql.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';
import { runAsTenant } from './runAsTenant.ts';

export interface RdsDataOutboxSourceOptions {
  /** Aurora cluster ARN. */
  resourceArn: string;
  /** Secrets Manager ARN of the database credentials the Data API signs in with. */
  secretArn: string;
  /**
   * A role row-level security applies to: when given, `append` (a tenant's own event, such as a
   * test event) runs as it, scoped to the event's tenant (see runAsTenant), so the outbox's insert
   * policy, not only this code, keeps the event in its tenant. The relay's claims stay cross-tenant.
   */
  tenantSecretArn?: string;
  database: string;
  /**
   * Response bytes budgeted per body-reading ExecuteStatement. The Data API ends a call whose
   * result is over 1 MiB, so bodies are read in chunks whose worst-case result size (each body
   * counted twice, as JSON escaping can double it, plus per-row overhead) stays within this, and a
   * body that cannot fit even alone is rejected rather than read.
   */
  maxFetchBytes?: number;
  /**
   * The relay's `maxEventBytes`: bodies over it are rejected without being read (the relay would
   * reject them anyway, and reading them could break the Data API's response limit).
   */
  maxEventBytes?: number;
  /**
   * For the relay when per-key endpoints go through the FIFO queue: every claimed event carries its
   * ordering key, and claims run one at a time (see RELAY_LOCK_KEY). Off, concurrent claims never
   * wait for each other and events carry no key.
   */
  perKeyOrder?: boolean;
}

interface ClaimRow {
  id: string;
  tenant_id: string;
  event_type: string;
  occurred_at: string;
  target_endpoint_id: string | null;
  body_bytes: number;
  ordering_key?: string;
}

/**
 * Held for the claim's transaction so relay runs publish one batch at a time: the FIFO queue keeps
 * a key's deliveries in the order they are sent, so a run that claimed later events must not send
 * them before a run still publishing earlier ones. Waiting (not skipping) keeps a nudge's events
 * from waiting for the sweeper.
 */
export const RELAY_LOCK_KEY = 7_301_993_114;

/**
 * The ordering key as the local queue gives it (PgDeliveryQueue): `rowhook.ordering_key` of the
 * outbox row (the one definition, migration 0019), else the event's own key. `published` returns
 * `o.*` of rowhook.outbox, so its row casts back to that type.
 */
const ORDERING_KEY_COLUMN = `coalesce(rowhook.ordering_key(cast(row(published.*) as rowhook.outbox)),
                    'event:' || id::text) as ordering_key`;

// Under the Data API's 1 MiB response limit (also under 10^6 bytes), leaving room for the JSON array.
const DEFAULT_MAX_FETCH_BYTES = 960 * 1024;
/** Result bytes a row may take besides its body: JSON keys, the id, quotes and separators. */
const ROW_OVERHEAD_BYTES = 200;

/** Worst-case bytes a row adds to a body read: JSON formatting can double a body (escaped quotes). */
export function bodyFetchCost(bodyBytes: number): number {
  return 2 * bodyBytes + ROW_OVERHEAD_BYTES;
}

/**
 * The outbox over the RDS Data API, so the relay Lambda needs no VPC or connection pool. Same SQL
 * as PgOutboxSource (`sql/outboxSql.ts`: claim with FOR UPDATE SKIP LOCKED inside a transaction
 * that stays open while publishing); the Data API threads the transaction by id across calls.
 */
export class RdsDataOutboxSource implements OutboxSource, OutboxWriter {
  private readonly maxFetchBytes: number;
  private readonly maxEventBytes: number;

  constructor(
    private readonly client: RDSDataClient,
    private readonly options: RdsDataOutboxSourceOptions,
  ) {
    this.maxFetchBytes = options.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES;
    this.maxEventBytes = options.maxEventBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The same source, skipping bodies over the relay's `maxEventBytes` without reading them. */
  withMaxEventBytes(maxEventBytes: number): RdsDataOutboxSource {
    return new RdsDataOutboxSource(this.client, { ...this.options, maxEventBytes });
  }

  /** The same source with `perKeyOrder` on: keys on events, one claim at a time. */
  withPerKeyOrder(): RdsDataOutboxSource {
    return new RdsDataOutboxSource(this.client, { ...this.options, perKeyOrder: true });
  }

  async claimUnpublished(
    limit: number,
    publish: (events: OutboxEvent[]) => Promise<PublishOutcome>,
  ): Promise<number> {
    const transactionId = await this.begin();
    try {
      if (this.options.perKeyOrder)
        await this.query(`select pg_advisory_xact_lock(${RELAY_LOCK_KEY})`, [], transactionId);
      // Bodies are not selected here: the claim stays small however big the events are.
      const rows = await this.query<ClaimRow>(
        OUTBOX_SQL.claimUnpublished({
          columns: `id::text as id, tenant_id, event_type, to_json(occurred_at) #>> '{}' as occurred_at,
                    target_endpoint_id, octet_length(body) as body_bytes${this.options.perKeyOrder ? `, ${ORDERING_KEY_COLUMN}` : ''}`,
          limit: ':limit',
        }),
        [{ name: 'limit', value: { longValue: limit } }],
        transactionId,
      );
      if (rows.length === 0) {
        await this.commit(transactionId);
        return 0;
      }
      const reasons = new Map<string, string>();
      const fetchable = rows.filter((row) => {
        const reason = this.unreadableReason(row.body_bytes);
        if (reason === null) return true;
        reasons.set(row.id, reason);
        return false;
      });
      const bodies = await this.fetchBodies(fetchable, transactionId);
      const events = fetchable.map((row) => toEvent(row, bodies.get(row.id)));
      const outcome = events.length > 0 ? await publish(events) : { rejected: [] };
      for (const rejected of outcome.rejected) reasons.set(rejected.eventId, rejected.reason);
      await this.query(
        OUTBOX_SQL.markPublished('json_to_recordset(cast(:rows as json)) as r(id uuid, reason text)'),
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
    const { tenantSecretArn } = this.options;
    if (!tenantSecretArn) return this.appendAs(event);
    try {
      return await runAsTenant(this.client, { ...this.options, tenantSecretArn }, event.tenantId, (scope) =>
        this.appendAs(event, scope),
      );
    } catch (error) {
      throw toAwsError(error, "appending to the outbox as the event's tenant");
    }
  }

  private async appendAs(
    event: NewOutboxEvent,
    scope?: { transactionId: string; secretArn: string },
  ): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      // append_event also queues the commit-time nudge, so Aurora wakes the relay for test events.
      OUTBOX_SQL.appendEvent({
        tenantId: ':tenantId',
        type: ':type',
        body: ':body',
        targetEndpointId: ':targetEndpointId',
      }),
      [
        { name: 'tenantId', value: { stringValue: event.tenantId } },
        { name: 'type', value: { stringValue: event.type } },
        { name: 'body', value: { stringValue: event.body } },
        {
          name: 'targetEndpointId',
          value: event.targetEndpointId === null ? { isNull: true } : { stringValue: event.targetEndpointId },
        },
      ],
      scope,
    );
    if (!row) throw new AwsAdapterError('outbox insert returned no row');
    return row.id;
  }

  /** Why a body is not read (so its row is rejected), or null when it is. */
  private unreadableReason(bodyBytes: number): string | null {
    // Same wording as the relay's own size check, which would reject the event after reading it.
    if (bodyBytes > this.maxEventBytes)
      return `event body is ${bodyBytes} bytes, over the ${this.maxEventBytes}-byte limit; exclude large columns with rowhook.track_table(..., exclude_columns => ...)`;
    if (bodyFetchCost(bodyBytes) > this.maxFetchBytes)
      return `event body is ${bodyBytes} bytes, over the ${Math.floor((this.maxFetchBytes - ROW_OVERHEAD_BYTES) / 2)}-byte limit the RDS Data API can read; exclude large columns with rowhook.track_table(..., exclude_columns => ...)`;
    return null;
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
      // The cost already counts the body twice (JSON escaping); the budget must not double again.
      const cost = bodyFetchCost(row.body_bytes);
      if (chunkBytes + cost > this.maxFetchBytes) await flush();
      chunk.push(row.id);
      chunkBytes += cost;
    }
    await flush();
    return bodies;
  }

  private async query<T>(
    sql: string,
    parameters: SqlParameter[],
    transaction?: string | { transactionId: string; secretArn: string },
  ): Promise<T[]> {
    // A tenant's transaction names its own secret; the Data API refuses a mismatch.
    const scope = typeof transaction === 'string' ? { transactionId: transaction } : (transaction ?? {});
    const input: ExecuteStatementCommandInput = {
      ...this.target(),
      sql,
      parameters,
      formatRecordsAs: 'JSON',
      ...scope,
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
    ...(row.ordering_key === undefined ? {} : { orderingKey: row.ordering_key }),
  };
}
