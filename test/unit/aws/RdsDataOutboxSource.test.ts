import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { bodyFetchCost, RdsDataOutboxSource } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';

const rds = mockClient(RDSDataClient);
const TARGET = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:rowhook',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rowhook-db',
  database: 'app',
};
const ID1 = '0190f0f0-0000-7000-8000-000000000001';
const ID2 = '0190f0f0-0000-7000-8000-000000000002';
const BODY = '{"id": 12345678901234567890, "price": 1.50}';

function claimRows(extra: object = {}) {
  return [ID1, ID2].map((id) => ({
    id,
    tenant_id: 'acme',
    event_type: 'orders.insert',
    occurred_at: '2026-01-01T00:00:00.123+00:00',
    target_endpoint_id: null,
    body_bytes: Buffer.byteLength(BODY),
    ...extra,
  }));
}

function source(maxFetchBytes?: number) {
  return new RdsDataOutboxSource(new RDSDataClient({ region: 'eu-west-1' }), {
    ...TARGET,
    ...(maxFetchBytes ? { maxFetchBytes } : {}),
  });
}

function mockDatabase(rows: object[]) {
  rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
  rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
  rds.on(RollbackTransactionCommand).resolves({ transactionStatus: 'Rollback Complete' });
  rds.on(ExecuteStatementCommand).callsFake((input) => {
    if (/for update skip locked/.test(input.sql)) return { formattedRecords: JSON.stringify(rows) };
    if (/json_array_elements_text/.test(input.sql)) {
      const ids = JSON.parse(input.parameters[0].value.stringValue) as string[];
      return { formattedRecords: JSON.stringify(ids.map((id) => ({ id, body: BODY }))) };
    }
    return { numberOfRecordsUpdated: rows.length };
  });
}

/** The ids of each body read, in order. */
function bodyReads(): string[][] {
  return rds
    .commandCalls(ExecuteStatementCommand)
    .filter((c) => /json_array_elements_text/.test(c.args[0].input.sql ?? ''))
    .map((c) => JSON.parse(c.args[0].input.parameters?.[0]?.value?.stringValue ?? '') as string[]);
}

/** The (id, reason) pairs of the final update. */
function markedReasons(): { id: string; reason: string | null }[] {
  const mark = rds.commandCalls(ExecuteStatementCommand).at(-1)?.args[0].input;
  expect(mark?.sql).toMatch(/update rowhook.outbox/);
  return JSON.parse(mark?.parameters?.[0]?.value?.stringValue ?? '');
}

beforeEach(() => rds.reset());

describe('RdsDataOutboxSource', () => {
  it('claims in one transaction, hands over exact bodies, marks published and commits', async () => {
    mockDatabase(claimRows());
    const publish = vi.fn(async () => ({ rejected: [{ eventId: ID2, reason: 'too big' }] }));
    expect(await source().claimUnpublished(50, publish)).toBe(2);

    expect(rds.commandCalls(BeginTransactionCommand)[0]?.args[0].input).toEqual(TARGET);
    const statements = rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      expect(statement).toMatchObject({ ...TARGET, transactionId: 'tx-1', formatRecordsAs: 'JSON' });
    }
    expect(statements[0]?.sql).toMatch(
      /where published_at is null[\s\S]*limit :limit[\s\S]*for update skip locked/,
    );
    expect(statements[0]?.parameters).toEqual([{ name: 'limit', value: { longValue: 50 } }]);

    expect(publish).toHaveBeenCalledWith([
      expect.objectContaining({
        id: ID1,
        tenantId: 'acme',
        type: 'orders.insert',
        body: BODY,
        targetEndpointId: null,
      }),
      expect.objectContaining({ id: ID2, body: BODY }),
    ]);
    const [events] = publish.mock.calls[0] as unknown as [{ occurredAt: Date }[]];
    expect(events[0]?.occurredAt.toISOString()).toBe('2026-01-01T00:00:00.123Z');

    const mark = statements[2];
    expect(mark?.sql).toMatch(/update rowhook.outbox/);
    expect(JSON.parse(mark?.parameters?.[0]?.value?.stringValue ?? '')).toEqual([
      { id: ID1, reason: null },
      { id: ID2, reason: 'too big' },
    ]);
    expect(rds.commandCalls(CommitTransactionCommand)[0]?.args[0].input).toEqual({
      resourceArn: TARGET.resourceArn,
      secretArn: TARGET.secretArn,
      transactionId: 'tx-1',
    });
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(0);
  });

  // The claim itself marks the rows published (see OUTBOX_SQL.claimUnpublished): the rollback is what
  // leaves them unpublished, and no rejection reason is recorded.
  it('rolls back and rethrows when publishing fails, leaving the rows unpublished', async () => {
    mockDatabase(claimRows());
    const failure = new Error('bus down');
    await expect(source().claimUnpublished(10, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(rds.commandCalls(RollbackTransactionCommand)[0]?.args[0].input).toMatchObject({
      transactionId: 'tx-1',
    });
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
    expect(
      rds.commandCalls(ExecuteStatementCommand).some((c) => /publish_error/.test(c.args[0].input.sql ?? '')),
    ).toBe(false);
  });

  it('commits without publishing when nothing is waiting', async () => {
    mockDatabase([]);
    const publish = vi.fn();
    expect(await source().claimUnpublished(10, publish)).toBe(0);
    expect(publish).not.toHaveBeenCalled();
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(1);
  });

  it('reads bodies in chunks and rejects a body too big for the Data API instead of reading it', async () => {
    mockDatabase([...claimRows(), { ...claimRows()[0], id: 'big', body_bytes: 5_000 }]);
    const publish = vi.fn(async (_events: unknown[]) => ({ rejected: [] }));
    // Room for one body (counted twice for JSON escaping) per read.
    expect(await source(bodyFetchCost(Buffer.byteLength(BODY))).claimUnpublished(10, publish)).toBe(3);
    expect(bodyReads().map((ids) => ids.length)).toEqual([1, 1]);
    expect(publish.mock.calls[0]?.[0]).toHaveLength(2);
    expect(markedReasons().find((r) => r.id === 'big')?.reason).toMatch(
      /over the .*-byte limit the RDS Data API can read/,
    );
  });

  it('counts each body twice against the fetch budget once, not against a doubled budget', async () => {
    const cost = bodyFetchCost(Buffer.byteLength(BODY));
    mockDatabase(claimRows());
    // Exactly two rows' worth: one read.
    await source(2 * cost).claimUnpublished(10, async () => ({ rejected: [] }));
    expect(bodyReads()).toEqual([[ID1, ID2]]);

    rds.reset();
    mockDatabase(claimRows());
    // One byte short of two rows: a read per row (the old doubled budget let both through here).
    await source(2 * cost - 1).claimUnpublished(10, async () => ({ rejected: [] }));
    expect(bodyReads()).toEqual([[ID1], [ID2]]);
  });

  it('rejects bodies over the relay maxEventBytes without reading them', async () => {
    const ID3 = '0190f0f0-0000-7000-8000-000000000003';
    mockDatabase([...claimRows(), { ...claimRows()[0], id: ID3, body_bytes: 300_000 }]);
    const publish = vi.fn(async (_events: unknown[]) => ({ rejected: [] }));
    const relaySource = source().withMaxEventBytes(256 * 1024);
    expect(await relaySource.claimUnpublished(10, publish)).toBe(3);
    expect(bodyReads().flat()).toEqual([ID1, ID2]);
    expect(((publish.mock.calls[0]?.[0] ?? []) as { id: string }[]).map((e) => e.id)).toEqual([ID1, ID2]);
    expect(markedReasons()).toEqual([
      { id: ID1, reason: null },
      { id: ID2, reason: null },
      {
        id: ID3,
        reason:
          'event body is 300000 bytes, over the 262144-byte limit; exclude large columns with rowhook.track_table(..., exclude_columns => ...)',
      },
    ]);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(1);
  });

  it('marks a batch whose every body is over maxEventBytes without reading or publishing', async () => {
    mockDatabase(claimRows({ body_bytes: 2_000 }));
    const publish = vi.fn();
    expect(await source().withMaxEventBytes(1_024).claimUnpublished(10, publish)).toBe(2);
    expect(publish).not.toHaveBeenCalled();
    expect(bodyReads()).toEqual([]);
    expect(markedReasons().map((r) => r.reason)).toEqual([
      expect.stringMatching(/over the 1024-byte limit;/),
      expect.stringMatching(/over the 1024-byte limit;/),
    ]);
  });

  it('maps Data API errors to AwsAdapterError (resuming cluster: retryable) and rolls back', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-9' });
    rds.on(ExecuteStatementCommand).rejects(
      Object.assign(new Error('resuming'), {
        name: 'DatabaseResumingException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    rds.on(RollbackTransactionCommand).resolves({});
    const error = (await source()
      .claimUnpublished(10, vi.fn())
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.retryable).toBe(true);
    expect(rds.commandCalls(RollbackTransactionCommand)[0]?.args[0].input.transactionId).toBe('tx-9');
  });

  it('appends a test event outside any transaction', async () => {
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: JSON.stringify([{ id: ID1 }]) });
    const id = await source().append({
      tenantId: 'acme',
      type: 'rowhook.test',
      body: '{}',
      targetEndpointId: 'ep_1',
    });
    expect(id).toBe(ID1);
    const input = rds.commandCalls(ExecuteStatementCommand)[0]?.args[0].input;
    expect(input?.transactionId).toBeUndefined();
    expect(input?.parameters).toContainEqual({ name: 'targetEndpointId', value: { stringValue: 'ep_1' } });
  });
});
