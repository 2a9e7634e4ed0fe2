import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DeliveryMessage,
  deliveryIdFor,
  nextAttemptMessage,
} from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import {
  createDeliverHandler,
  type DeliverDependencies,
} from '../../../functions/handlers/createDeliverHandler.ts';
import type { AttemptRecord } from '../../../functions/ports/DeliveryLog.ts';
import type { ClaimedDelivery, Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import { deliverTestDependencies } from './deliverTestDependencies.ts';
import { sqsRecord } from './sqsRecord.ts';

const SECRET = generateSecret();
const NOW = new Date('2026-01-01T00:00:00Z');
const BODY = '{"id": 12345678901234567890, "total": 1.50}';
const EVENT_ID = '0190f0f0-0000-7000-8000-000000000001';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let baseUrl: string;
let received: Received[] = [];
let answer = 200;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answer).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function endpoint(id: string, overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id,
    tenantId: 'acme',
    url: `${baseUrl}/hooks/${id}`,
    description: '',
    eventTypes: null,
    filter: null,
    enabled: true,
    disabledReason: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

function message(overrides: Partial<DeliveryMessage> = {}): DeliveryMessage {
  return {
    eventId: EVENT_ID,
    endpointId: 'ep_1',
    tenantId: 'acme',
    eventType: 'orders.insert',
    body: BODY,
    transport: 'pooled',
    ...overrides,
  };
}

const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

function harness(endpoints: Endpoint[] = [endpoint('ep_1')]) {
  const settled: Settlement[] = [];
  const attempts: AttemptRecord[] = [];
  const deps: DeliverDependencies = {
    subscriptions: {
      getEndpointsByIds: vi.fn(async (ids: readonly string[]) => endpoints.filter((e) => ids.includes(e.id))),
      disableEndpoint: vi.fn(async () => {}),
    } as unknown as DeliverDependencies['subscriptions'],
    secrets: {
      activeSecrets: vi.fn(async (ids: readonly string[]) => new Map(ids.map((id) => [id, [SECRET]]))),
    } as unknown as DeliverDependencies['secrets'],
    log: {
      record: vi.fn(async (list: readonly AttemptRecord[]) => {
        attempts.push(...list);
      }),
    } as unknown as DeliverDependencies['log'],
    ...deliverTestDependencies(settled, () => NOW),
    rejectMessage: vi.fn(async () => {}),
  };
  return { deps, settled, attempts, handler: createDeliverHandler(deps) };
}

beforeEach(() => {
  received = [];
  answer = 200;
});

describe('deliver handler', () => {
  it('signs and sends the exact body, records the attempt and settles as delivered', async () => {
    const { handler, settled, attempts, deps } = harness();
    const result = await handler(sqsEvent(sqsRecord('m1', message())));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.body).toBe(BODY);
    const headers = request?.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(`evt_${EVENT_ID.replaceAll('-', '')}`);
    expect(headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    // Verified with the Standard Webhooks reference library, at the attempt's own time.
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    try {
      expect(() => new Webhook(SECRET).verify(request?.body ?? '', headers)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    expect(settled).toEqual([expect.objectContaining({ kind: 'delivered', status: 200 })]);
    expect(settled[0]?.delivery).toMatchObject({
      id: deliveryIdFor(EVENT_ID, 'ep_1'),
      attempt: 1,
      receipt: 'm1',
    });
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, status: 200, eventId: EVENT_ID })]);
    expect(deps.metrics.publishStoredMetrics).toHaveBeenCalled();
  });

  it('sends the sequence the relay numbered as webhook-sequence, and keeps it for the next attempt', async () => {
    const { handler, settled, attempts } = harness();
    await handler(
      sqsEvent(
        sqsRecord('m1', message({ sequence: 42 })),
        sqsRecord('m2', message({ endpointId: 'ep_1', eventId: '0190f0f0-0000-7000-8000-000000000002' })),
      ),
    );
    const numbered = received.find((r) => r.headers['webhook-id'] === `evt_${EVENT_ID.replaceAll('-', '')}`);
    expect(numbered?.headers['webhook-sequence']).toBe('42');
    // A message numbered by nothing (published before migration 0021) is sent without the header.
    const unnumbered = received.find((r) => r !== numbered);
    expect(unnumbered?.headers).not.toHaveProperty('webhook-sequence');
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    try {
      const headers = numbered?.headers as Record<string, string>;
      expect(() => new Webhook(SECRET).verify(numbered?.body ?? '', headers)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    const delivery = settled.find((s) => s.delivery.eventId === EVENT_ID)?.delivery;
    expect(delivery?.sequence).toBe(42);
    expect(nextAttemptMessage(delivery as ClaimedDelivery, 0).sequence).toBe(42);
    // The attempt log (DynamoDB, no deliveries table) gets the number with the attempt.
    expect(attempts.map((a) => [a.eventId, a.sequence])).toEqual(
      expect.arrayContaining([
        [EVENT_ID, 42],
        ['0190f0f0-0000-7000-8000-000000000002', undefined],
      ]),
    );
  });

  it('settles a failed attempt as a retry with the schedule delay', async () => {
    answer = 503;
    const { handler, settled } = harness();
    const result = await handler(sqsEvent(sqsRecord('m1', message({ attempt: 2 }))));
    expect(result.batchItemFailures).toEqual([]);
    expect(settled).toEqual([expect.objectContaining({ kind: 'retry', delayMs: 5 * 60_000, status: 503 })]);
  });

  it('dead-letters when the schedule is spent', async () => {
    answer = 500;
    const { handler, settled } = harness();
    await handler(sqsEvent(sqsRecord('m1', message({ attempt: 3 }))));
    expect(settled).toEqual([expect.objectContaining({ kind: 'dead', status: 500 })]);
  });

  it('re-delays a message that is not yet due without sending anything', async () => {
    const { handler, deps } = harness();
    const due = message({ attempt: 2, dueAt: NOW.getTime() + 3_600_000 });
    expect(await handler(sqsEvent(sqsRecord('m1', due)))).toEqual({ batchItemFailures: [] });
    expect(deps.settler.redelay).toHaveBeenCalledWith(due);
    expect(received).toHaveLength(0);
  });

  it('continues an API destination dead letter at attempt 2, re-signed now', async () => {
    const { handler, settled } = harness();
    const dlqBody = {
      version: '0',
      source: 'rowhook',
      'detail-type': 'rowhook.delivery',
      detail: message({
        transport: 'api-destination',
        headers: { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,old' },
      }),
    };
    await handler(sqsEvent(sqsRecord('m1', dlqBody)));
    expect(received[0]?.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(settled[0]?.delivery.attempt).toBe(2);
  });

  it('discards deliveries to a deleted endpoint without an attempt', async () => {
    const { handler, settled, attempts } = harness([]);
    await handler(sqsEvent(sqsRecord('m1', message())));
    expect(received).toHaveLength(0);
    expect(attempts).toHaveLength(0);
    expect(settled).toEqual([expect.objectContaining({ kind: 'discarded' })]);
  });

  it('reports only the records whose handling threw', async () => {
    const { handler, deps } = harness([endpoint('ep_1'), endpoint('ep_2')]);
    vi.mocked(deps.settler.settle).mockImplementation(async (list) => {
      if (list[0]?.delivery.endpointId === 'ep_2') throw new Error('sqs down');
      return { applied: new Set(list.map((s) => s.delivery.id)) };
    });
    const result = await handler(
      sqsEvent(
        sqsRecord('good', message()),
        sqsRecord('bad-json', 'not json'),
        sqsRecord('bad-settle', message({ endpointId: 'ep_2' })),
      ),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['bad-settle']);
    expect(received).toHaveLength(2);
  });

  it('dead-letters a malformed message at once instead of reporting it for retries', async () => {
    const { handler, deps } = harness();
    const result = await handler(
      sqsEvent(sqsRecord('bad-json', 'not json'), sqsRecord('bad-shape', { x: 1 })),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(deps.rejectMessage).toHaveBeenCalledTimes(2);
    expect(deps.rejectMessage).toHaveBeenCalledWith(
      expect.objectContaining({ messageId: 'bad-json', body: 'not json' }),
      expect.stringContaining('malformed delivery message'),
    );
    expect(deps.settler.settle).not.toHaveBeenCalled();
    expect(deps.metrics.addMetric).toHaveBeenCalledWith('DeliveryMessageRejected', 'Count', 1);
  });

  it('reports a malformed message when dead-lettering it fails', async () => {
    const { handler, deps } = harness();
    vi.mocked(deps.rejectMessage ?? vi.fn()).mockRejectedValue(new Error('sqs down'));
    const result = await handler(sqsEvent(sqsRecord('bad-json', 'not json'), sqsRecord('good', message())));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-json' }]);
    expect(received).toHaveLength(1);
  });

  it('reports a malformed message when no dead-letter sink is wired', async () => {
    const { deps } = harness();
    const handler = createDeliverHandler({ ...deps, rejectMessage: undefined });
    const result = await handler(sqsEvent(sqsRecord('bad-json', 'not json')));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad-json' }]);
  });

  it('still reports a message whose re-delay failed (retryable)', async () => {
    const { handler, deps } = harness();
    vi.mocked(deps.settler.redelay).mockRejectedValue(new Error('sqs down'));
    const due = message({ attempt: 2, dueAt: NOW.getTime() + 3_600_000 });
    const result = await handler(sqsEvent(sqsRecord('m1', due)));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(deps.rejectMessage).not.toHaveBeenCalled();
  });

  it('fails every due record when endpoints cannot be loaded', async () => {
    const { handler, deps } = harness();
    vi.mocked(deps.subscriptions.getEndpointsByIds).mockRejectedValue(new Error('dynamo down'));
    const result = await handler(
      sqsEvent(sqsRecord('a', message()), sqsRecord('b', message({ endpointId: 'ep_x' }))),
    );
    expect(result.batchItemFailures).toHaveLength(2);
  });

  it('disables an endpoint whose receiver answered 410 Gone', async () => {
    answer = 410;
    const { handler, deps, settled } = harness();
    await handler(sqsEvent(sqsRecord('m1', message())));
    expect(deps.subscriptions.disableEndpoint).toHaveBeenCalledWith(
      'acme',
      'ep_1',
      expect.stringContaining('410'),
    );
    expect(settled[0]?.kind).toBe('dead');
  });
});
