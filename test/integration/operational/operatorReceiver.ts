import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect } from 'vitest';
import type { OperationalEventType } from '../../../functions/core/health/constants.ts';
import type { TestHarness } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';

/** The operator's signing secret in these tests (whsec_ + base64 of 32 bytes). */
export const OPERATOR_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

export interface OperatorWebhook {
  webhook: ReceivedWebhook;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * An operator receiver started before the runtime, whose URL goes into `env` (read by
 * useTestRuntime's own beforeAll, registered after this one) as ROWHOOK_OPERATOR_WEBHOOK_URL.
 */
export function useOperatorReceiver(env: Record<string, string>) {
  const operator = new TestReceiver();
  env.ROWHOOK_OPERATOR_WEBHOOK_SECRET = OPERATOR_SECRET;
  beforeAll(async () => {
    await operator.start();
    env.ROWHOOK_OPERATOR_WEBHOOK_URL = operator.url;
  });
  afterAll(() => operator.stop());

  const find = (type: OperationalEventType, endpointId: string) =>
    operator.received
      .map((webhook) => ({ webhook, body: JSON.parse(webhook.body) as OperatorWebhook['body'] }))
      .filter(({ body }) => body.type === type && body.data.endpointId === endpointId);

  return {
    operator,
    /** Operational webhooks of this type about this endpoint received so far. */
    find,
    /** Waits for one, then returns it. */
    async waitFor(type: OperationalEventType, endpointId: string): Promise<OperatorWebhook> {
      await expect
        .poll(() => find(type, endpointId).length, { timeout: 10_000, interval: 50 })
        .toBeGreaterThan(0);
      return find(type, endpointId)[0] as OperatorWebhook;
    },
  };
}

/** Verifies a webhook's signature with the standardwebhooks library (throws when it does not hold). */
export function verifyOperatorSignature(webhook: ReceivedWebhook): unknown {
  return new Webhook(OPERATOR_SECRET).verify(webhook.body, webhook.headers as Record<string, string>);
}

/**
 * The same check for a webhook signed by a deliverer whose clock was moved days ahead (verify would
 * reject its timestamp as too new): the library signs id.timestamp.body, and one of the header's
 * signatures must be that one.
 */
export function signatureMatches(webhook: ReceivedWebhook): boolean {
  const id = String(webhook.headers['webhook-id']);
  const timestamp = Number(webhook.headers['webhook-timestamp']);
  const expected = new Webhook(OPERATOR_SECRET).sign(id, new Date(timestamp * 1000), webhook.body);
  return String(webhook.headers['webhook-signature']).split(' ').includes(expected);
}

export interface ListedOperationalEvent {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  endpointId: string;
  data: Record<string, unknown>;
}

/** GET /v1/operational-events with the admin token. */
export async function listOperationalEvents(
  harness: TestHarness,
  query: Record<string, string>,
  token: string,
): Promise<{ status: number; items: ListedOperationalEvent[]; nextCursor: string | null; json: unknown }> {
  const res = await harness.api.call('GET', `/v1/operational-events?${new URLSearchParams(query)}`, token);
  return {
    status: res.status,
    json: res.json,
    items: res.json?.items ?? [],
    nextCursor: res.json?.nextCursor,
  };
}
