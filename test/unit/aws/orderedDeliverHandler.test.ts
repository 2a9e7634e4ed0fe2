import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSRecord } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeliveryMessage, deliveryIdFor } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import {
  createOrderedDeliverHandler,
  type OrderedDeliverDependencies,
} from '../../../functions/handlers/createOrderedDeliverHandler.ts';
import type { AttemptRecord, AttemptView } from '../../../functions/ports/DeliveryLog.ts';
import type { Settlement } from '../../../functions/ports/DeliveryQueue.ts';
import { deliverTestDependencies } from './deliverTestDependencies.ts';
import { sqsRecord } from './sqsRecord.ts';

// The deliver Lambda of the FIFO queue: a group's later messages never pass a failed one (they are
// reported as failures with it, unattempted), the failed one is held for its retry delay instead of
// re-sent, its attempt number comes from the log, and after the last attempt it is dead-lettered
// and the group moves on. A real receiver on 127.0.0.1; signatures checked with standardwebhooks.
const SECRET = generateSecret();
const NOW = new Date('2026-01-01T00:00:00Z');
const SENT = NOW.getTime() - 60_000;

let server: Server;
let baseUrl: string;
let received: { headers: IncomingHttpHeaders; body: string }[] = [];
let failing = new Set<string>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body });
      response.writeHead(failing.has(body) ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  failing = new Set();
});

const endpoint = (): Endpoint => ({
  id: 'ep_1',
  tenantId: 'acme',
  url: `${baseUrl}/hooks`,
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: NOW,
  updatedAt: NOW,
  ordering: 'per-key',
});

const eventId = (name: string) =>
  `0190f0f0-0000-7000-8000-${Buffer.from(name).toString('hex').padStart(12, '0')}`;
const bodyOf = (name: string) => `{"n":"${name}"}`;

/** A FIFO record of group `group` carrying delivery `name` (its body is `{"n":"<name>"}`). */
function record(name: string, group: string): SQSRecord {
  const message: DeliveryMessage = {
    eventId: eventId(name),
    endpointId: 'ep_1',
    tenantId: 'acme',
    eventType: 'orders.update',
    body: bodyOf(name),
    transport: 'pooled',
  };
  const r = sqsRecord(name, message);
  r.attributes = { MessageGroupId: `ep_1:${group}`, SentTimestamp: String(SENT) } as SQSRecord['attributes'];
  r.eventSourceARN = 'arn:aws:sqs:eu-west-1:1:rowhook-test-ordered.fifo';
  return r;
}

function harness(earlierAttempts: Record<string, number[]> = {}) {
  const settled: Settlement[] = [];
  const attempts: AttemptRecord[] = [];
  const holds: [string, number][] = [];
  const deps: OrderedDeliverDependencies = {
    subscriptions: {
      getEndpointsByIds: vi.fn(async () => [endpoint()]),
      disableEndpoint: vi.fn(async () => {}),
    } as unknown as OrderedDeliverDependencies['subscriptions'],
    secrets: {
      activeSecrets: vi.fn(async (ids: readonly string[]) => new Map(ids.map((id) => [id, [SECRET]]))),
    } as unknown as OrderedDeliverDependencies['secrets'],
    log: {
      record: vi.fn(async (list: readonly AttemptRecord[]) => {
        attempts.push(...list);
      }),
      // Attempts already on record for a delivery, by their start times (ms since epoch).
      listForDelivery: vi.fn(async (deliveryId: string) => {
        const name = Object.keys(earlierAttempts).find(
          (n) => deliveryIdFor(eventId(n), 'ep_1') === deliveryId,
        );
        return (earlierAttempts[name ?? ''] ?? []).map((t) => ({ startedAt: new Date(t) }) as AttemptView);
      }),
    } as unknown as OrderedDeliverDependencies['log'],
    hold: vi.fn(async (receipt: string, seconds: number) => {
      holds.push([receipt, seconds]);
    }),
    ...deliverTestDependencies(settled, () => NOW),
    rejectMessage: vi.fn(async () => {}),
  };
  return { deps, settled, attempts, holds, handler: createOrderedDeliverHandler(deps) };
}

const failedIds = (result: { batchItemFailures: { itemIdentifier: string }[] }) =>
  result.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe('ordered (FIFO) deliver handler', () => {
  it("holds a failed delivery for its retry delay and reports it with its group's later messages, unattempted; other groups go on", async () => {
    const { handler, holds, settled, attempts } = harness();
    failing.add(bodyOf('a1'));
    const result = await handler({
      Records: [
        record('a1', 'A'),
        record('b1', 'B'),
        record('a2', 'A'),
        record('b2', 'B'),
        record('a3', 'A'),
      ],
    });
    expect(failedIds(result)).toEqual(['a1', 'a2', 'a3']);
    // a2 and a3 never reached the receiver; group B went through in order.
    expect(received.map((r) => r.body)).toEqual(
      expect.arrayContaining([bodyOf('a1'), bodyOf('b1'), bodyOf('b2')]),
    );
    expect(received).toHaveLength(3);
    const b = received.filter((r) => r.body.includes('"b')).map((r) => r.body);
    expect(b).toEqual([bodyOf('b1'), bodyOf('b2')]);
    // The retry is the message itself, hidden for the first step of the schedule (5 s).
    expect(holds).toEqual([['rh-a1', 5]]);
    expect(settled.filter((s) => s.kind === 'retry')).toEqual([]);
    expect(attempts.find((a) => a.eventId === eventId('a1'))).toMatchObject({ attempt: 1, status: 500 });
    for (const request of received) {
      vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
      try {
        expect(() =>
          new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>),
        ).not.toThrow();
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it('numbers the attempt from the log (attempts since the message was sent) and dead-letters after the last one, freeing the group', async () => {
    // Schedule 5s,5m: three attempts. Two on record since this message was sent, one before it.
    const { handler, holds, settled, attempts } = harness({
      a1: [SENT - 1_000, SENT + 5_000, SENT + 20_000],
    });
    failing.add(bodyOf('a1'));
    const result = await handler({ Records: [record('a1', 'A'), record('a2', 'A')] });
    expect(failedIds(result)).toEqual([]);
    expect(attempts.find((a) => a.eventId === eventId('a1'))).toMatchObject({ attempt: 3, status: 500 });
    expect(settled).toEqual([expect.objectContaining({ kind: 'dead', status: 500 })]);
    expect(settled[0]?.delivery.eventId).toBe(eventId('a1'));
    expect(holds).toEqual([]);
    // The next message of the group was attempted after it, in the same batch.
    expect(received.map((r) => r.body)).toEqual([bodyOf('a1'), bodyOf('a2')]);
  });

  it('keeps a message and the rest of its group when handling it throws, without holding it', async () => {
    const { handler, holds, deps } = harness();
    vi.mocked(deps.log.record).mockRejectedValueOnce(new Error('DynamoDB unavailable'));
    const result = await handler({ Records: [record('a1', 'A'), record('a2', 'A')] });
    expect(failedIds(result)).toEqual(['a1', 'a2']);
    expect(received.map((r) => r.body)).toEqual([bodyOf('a1')]);
    expect(holds).toEqual([]);
  });

  it('dead-letters a malformed message and goes on with its group', async () => {
    const { handler, deps } = harness();
    const bad = record('a1', 'A');
    bad.body = 'not json';
    const result = await handler({ Records: [bad, record('a2', 'A')] });
    expect(failedIds(result)).toEqual([]);
    expect(deps.rejectMessage).toHaveBeenCalledWith(bad, expect.stringContaining('not JSON'));
    expect(received.map((r) => r.body)).toEqual([bodyOf('a2')]);
  });
});
