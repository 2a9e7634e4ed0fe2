import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OutboxEvent } from '../../../core/events/OutboxEvent.ts';
import { eventTime } from '../../../core/recovery/eventTime.ts';
import type { RecoveryJob } from '../../../core/recovery/RecoveryJob.ts';
import type { Endpoint } from '../../../core/subscriptions/Endpoint.ts';
import type {
  Recoveries,
  RecoveryBatch,
  RecoveryJobs,
  RecoveryScope,
  ResendOutcome,
  StartOutcome,
} from '../../../ports/Recoveries.ts';
import type { SubscriptionStore } from '../../../ports/SubscriptionStore.ts';
import { deliveryIdFor } from '../DeliveryMessage.ts';
import { AwsAdapterError, toAwsError } from '../errors.ts';
import { bodyFetchCost } from '../RdsDataOutboxSource.ts';
import { sendDeliveryMessage } from '../SqsDeliverySettler.ts';
import {
  candidateParams,
  type EventRow,
  type JobRow,
  messageOf,
  type PageRow,
  toEvent,
  toJob,
} from './recoveryRows.ts';
import { AWS_RECOVERY_SQL } from './recoveryStatements.ts';
import { DeliveryMessagesRefusedError, sendDeliveryBatch } from './sendDeliveryBatch.ts';

export interface RdsDataRecoveriesOptions {
  rdsData: RDSDataClient;
  target: { resourceArn: string; secretArn: string; database: string };
  sqs: SQSClient;
  deliveryQueueUrl: string;
  subscriptions: Pick<SubscriptionStore, 'getEndpointsByIds'>;
  /** The relay's matching (EndpointMatcher), so what is re-sent is what the relay would send. */
  matcher: { matches(endpoint: Endpoint, event: OutboxEvent, parsedBody: () => unknown): boolean };
  /** Response bytes budgeted per body read (the Data API ends a call whose result is over 1 MiB). */
  maxFetchBytes?: number;
  /** Rounds and backoff for SQS entries failed with a server fault (sendDeliveryBatch). */
  sqsAttempts?: number;
  sqsBackoffMs?: number;
}

const DEFAULT_MAX_FETCH_BYTES = 960 * 1024;

const text = (value: string | null): SqlParameter => ({
  name: '',
  value: value === null ? { isNull: true } : { stringValue: value },
});
const params = (values: Record<string, string | number | boolean | null>): SqlParameter[] =>
  Object.entries(values).map(([name, value]) =>
    typeof value === 'number'
      ? { name, value: { longValue: value } }
      : { ...text(typeof value === 'boolean' ? String(value) : value), name },
  );

/**
 * Resend and recover on the pooled AWS path. AWS keeps no delivery rows, so "was this event sent to
 * this endpoint" is worked out again from the outbox in Aurora (Data API) and the endpoint as it is
 * now in DynamoDB, with the relay's own matching (EndpointMatcher); what is re-sent goes straight to
 * the delivery queue as attempt 1 with the event id as webhook-id, as a dead letter's redrive does,
 * never back to the bus (which would reach every endpoint).
 */
export class RdsDataRecoveries implements Recoveries, RecoveryJobs {
  private readonly maxFetchBytes: number;

  constructor(private readonly options: RdsDataRecoveriesOptions) {
    this.maxFetchBytes = options.maxFetchBytes ?? DEFAULT_MAX_FETCH_BYTES;
  }

  async resend(scope: RecoveryScope, endpointId: string, eventId: string): Promise<ResendOutcome> {
    const endpoint = await this.endpoint(scope, endpointId);
    if (!endpoint) return { kind: 'unknown_endpoint' };
    if (!endpoint.enabled) return { kind: 'endpoint_disabled' };
    const [row] = await this.query<EventRow>(
      AWS_RECOVERY_SQL.event,
      params({ id: eventId, tenantId: endpoint.tenantId, endpointId: endpoint.id }),
      'reading the event to resend',
    );
    if (!row) {
      // Not stored: gone with the retention window if older than the oldest event kept.
      const retainedFrom = await this.retainedFrom();
      const createdAt = eventTime(eventId);
      if (createdAt && (retainedFrom === null || createdAt < retainedFrom)) {
        return { kind: 'beyond_retention', retainedFrom };
      }
      return { kind: 'unknown_event' };
    }
    const event = toEvent(row, row.body);
    if (!this.matches(endpoint, event)) return { kind: 'not_matched' };
    // The relay has not published it yet: its first delivery is still on the way.
    if (row.published_at === null) return { kind: 'in_flight' };
    // Rejected at publish (too large for the transport), or published before the endpoint existed.
    if (row.publish_error !== null || new Date(row.published_at) < endpoint.createdAt) {
      return { kind: 'not_matched' };
    }
    await sendDeliveryMessage(
      this.options.sqs,
      this.options.deliveryQueueUrl,
      messageOf(event, endpoint, row.sequence),
      {
        doing: 'resending an event',
        attributes: { RESENT: 'true' },
      },
    );
    return { kind: 'queued', deliveryId: deliveryIdFor(eventId, endpointId), eventId, endpointId };
  }

  async start(
    scope: RecoveryScope,
    endpointId: string,
    window: { since: Date; until: Date },
  ): Promise<StartOutcome> {
    const endpoint = await this.endpoint(scope, endpointId);
    if (!endpoint) return { kind: 'unknown_endpoint' };
    if (!endpoint.enabled) return { kind: 'endpoint_disabled' };
    // Same rule as locally: the window reached past the oldest event kept while the endpoint existed.
    const retainedFrom = await this.retainedFrom();
    const truncatedAt =
      retainedFrom && window.since < retainedFrom && endpoint.createdAt < retainedFrom ? retainedFrom : null;
    const [row] = await this.query<JobRow>(
      AWS_RECOVERY_SQL.create,
      params({
        ...candidateParams(endpoint, window),
        truncatedAt: truncatedAt?.toISOString() ?? null,
      }),
      'creating a recovery',
    );
    if (!row) throw new AwsAdapterError('creating a recovery returned no row');
    return { kind: 'started', job: toJob(row) };
  }

  async get(scope: RecoveryScope, id: string): Promise<RecoveryJob | undefined> {
    const [row] = await this.query<JobRow>(
      AWS_RECOVERY_SQL.get,
      params({ id, tenantId: scope.tenantId ?? null }),
      'reading a recovery',
    );
    return row && toJob(row);
  }

  /**
   * One batch of the oldest running job: reads the next `limit` candidate events after its
   * position, sends those the endpoint matches to the delivery queue (in outbox order), then
   * commits the new position. The job row stays locked from read to commit, so concurrent runs
   * take other jobs. At-least-once: a run that stops after sending and before the commit (a crash,
   * a timeout, a failed commit) leaves the position where it was, and the next run sends the same
   * batch again under the same webhook-ids, which receivers deduplicate on.
   */
  async runBatch(limit: number): Promise<RecoveryBatch | null> {
    const transactionId = await this.begin();
    try {
      const [job] = await this.query<JobRow>(
        AWS_RECOVERY_SQL.lockRunning,
        [],
        'locking a recovery',
        transactionId,
      );
      if (!job) {
        await this.commit(transactionId);
        return null;
      }
      const batch = await this.sendBatch(job, limit, transactionId);
      await this.commit(transactionId);
      return batch;
    } catch (error) {
      await this.rollback(transactionId).catch(() => undefined);
      throw error;
    }
  }

  /** The delivery queue is read by the deliver Lambda's event source mapping: nothing to wake. */
  async wake(): Promise<void> {}

  private async sendBatch(job: JobRow, limit: number, transactionId: string): Promise<RecoveryBatch> {
    const [endpoint] = await this.options.subscriptions.getEndpointsByIds([job.endpoint_id]);
    if (!endpoint?.enabled) {
      const why = endpoint
        ? 'the endpoint was disabled before every event was re-sent: enable it and recover again'
        : 'the endpoint was deleted before every event was re-sent';
      await this.query(
        AWS_RECOVERY_SQL.fail,
        params({ id: job.id, error: why }),
        'failing a recovery',
        transactionId,
      );
      return { jobId: job.id, queued: 0, finished: true, blocked: false };
    }
    const window = { since: new Date(job.since), until: new Date(job.until) };
    const page = await this.query<PageRow>(
      AWS_RECOVERY_SQL.page,
      params({ ...candidateParams(endpoint, window), position: job.position, lastKey: job.last_key, limit }),
      'reading the next events to recover',
      transactionId,
    );
    const bodies = await this.bodies(page, transactionId);
    const events = page.map((row) => toEvent({ ...row, tenant_id: endpoint.tenantId }, bodies.get(row.id)));
    const matched = events.filter((event) => this.matches(endpoint, event));
    const sequences = new Map(page.map((row) => [row.id, row.sequence]));
    if (matched.length > 0) {
      const refused = await this.sendMatched(job, endpoint, matched, sequences).then(
        () => undefined,
        (error: unknown) => {
          // An entry SQS refuses as it is would be refused every minute: the job ends, saying why.
          if (error instanceof DeliveryMessagesRefusedError && !error.retryable) return error.message;
          throw error;
        },
      );
      if (refused !== undefined) {
        await this.query(
          AWS_RECOVERY_SQL.fail,
          params({ id: job.id, error: refused }),
          'failing a recovery',
          transactionId,
        );
        return { jobId: job.id, queued: 0, finished: true, blocked: false };
      }
    }
    const last = page.at(-1)?.id ?? null;
    const finished = page.length < limit || last === job.last_key;
    await this.query(
      AWS_RECOVERY_SQL.advance,
      params({
        id: job.id,
        sent: matched.length,
        skipped: page.length - matched.length,
        position: last,
        finished,
      }),
      'recording a recovery batch',
      transactionId,
    );
    return { jobId: job.id, queued: matched.length, finished, blocked: false };
  }

  private async sendMatched(
    job: JobRow,
    endpoint: Endpoint,
    events: OutboxEvent[],
    sequences: Map<string, number | string | null>,
  ): Promise<void> {
    await sendDeliveryBatch(
      this.options.sqs,
      this.options.deliveryQueueUrl,
      events.map((event) => messageOf(event, endpoint, sequences.get(event.id) ?? null)),
      {
        doing: `recovering events for endpoint ${endpoint.id}`,
        attributes: { RECOVERY: job.id },
        ...(this.options.sqsAttempts === undefined ? {} : { attempts: this.options.sqsAttempts }),
        ...(this.options.sqsBackoffMs === undefined ? {} : { backoffMs: this.options.sqsBackoffMs }),
      },
    );
  }

  private matches(endpoint: Endpoint, event: OutboxEvent): boolean {
    return this.options.matcher.matches(endpoint, event, () => undefined);
  }

  /** A tenant key sees only its own endpoints; another tenant's is unknown. */
  private async endpoint(scope: RecoveryScope, endpointId: string): Promise<Endpoint | undefined> {
    const [endpoint] = await this.options.subscriptions.getEndpointsByIds([endpointId]);
    if (!endpoint) return undefined;
    if (scope.tenantId !== undefined && endpoint.tenantId !== scope.tenantId) return undefined;
    return endpoint;
  }

  private async retainedFrom(): Promise<Date | null> {
    const [oldest] = await this.query<{ occurred_at: string }>(
      AWS_RECOVERY_SQL.oldestRetained,
      [],
      'reading the oldest event kept',
    );
    return oldest ? new Date(oldest.occurred_at) : null;
  }

  /** Bodies as text (exact bytes), in reads under the Data API's response limit. */
  private async bodies(rows: PageRow[], transactionId: string): Promise<Map<string, string>> {
    const bodies = new Map<string, string>();
    let chunk: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const found = await this.query<{ id: string; body: string }>(
        AWS_RECOVERY_SQL.bodies,
        [{ name: 'ids', typeHint: 'JSON', value: { stringValue: JSON.stringify(chunk) } }],
        'reading the bodies of events to recover',
        transactionId,
      );
      for (const row of found) bodies.set(row.id, row.body);
      chunk = [];
      bytes = 0;
    };
    for (const row of rows) {
      const cost = bodyFetchCost(row.body_bytes);
      if (bytes + cost > this.maxFetchBytes) await flush();
      chunk.push(row.id);
      bytes += cost;
    }
    await flush();
    return bodies;
  }

  private async query<T>(
    sql: string,
    parameters: SqlParameter[],
    doing: string,
    transactionId?: string,
  ): Promise<T[]> {
    try {
      const response = await this.options.rdsData.send(
        new ExecuteStatementCommand({
          ...this.options.target,
          sql,
          parameters,
          formatRecordsAs: 'JSON',
          ...(transactionId ? { transactionId } : {}),
        }),
      );
      return response.formattedRecords ? (JSON.parse(response.formattedRecords) as T[]) : [];
    } catch (error) {
      throw toAwsError(error, `${doing} through the RDS Data API`);
    }
  }

  private async begin(): Promise<string> {
    try {
      const response = await this.options.rdsData.send(new BeginTransactionCommand(this.options.target));
      if (!response.transactionId) throw new AwsAdapterError('BeginTransaction returned no transactionId');
      return response.transactionId;
    } catch (error) {
      throw toAwsError(error, 'beginning a recovery transaction');
    }
  }

  private async commit(transactionId: string): Promise<void> {
    const { resourceArn, secretArn } = this.options.target;
    try {
      await this.options.rdsData.send(
        new CommitTransactionCommand({ resourceArn, secretArn, transactionId }),
      );
    } catch (error) {
      throw toAwsError(error, 'committing a recovery batch');
    }
  }

  private async rollback(transactionId: string): Promise<void> {
    const { resourceArn, secretArn } = this.options.target;
    await this.options.rdsData.send(
      new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }),
    );
  }
}
