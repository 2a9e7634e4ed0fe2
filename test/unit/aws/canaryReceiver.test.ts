import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createCanaryReceiverHandler } from '../../../functions/handlers/createCanaryReceiverHandler.ts';
import type { CanaryDelivery } from '../../../functions/smoke/ports.ts';

const SECRET = `whsec_${Buffer.from('canary-receiver-test-secret-0123').toString('base64')}`;

function receiver() {
  const recorded: Array<{ runId: string; delivery: CanaryDelivery }> = [];
  const handler = createCanaryReceiverHandler({
    records: {
      secretOf: async (runId, path) =>
        runId === 'run1' && (path === 'pooled' || path === 'dedicated') ? SECRET : null,
      recordDelivery: async (runId, delivery) => {
        recorded.push({ runId, delivery });
      },
    },
    now: () => 42,
  });
  return { handler, recorded };
}

function request(
  path: string,
  options: { body?: string; sign?: string; method?: string; base64?: boolean } = {},
) {
  const body = options.body ?? '{"type":"canary.created"}';
  const at = new Date();
  const signature = new Webhook(SECRET).sign('msg_1', at, options.sign ?? body);
  return {
    rawPath: path,
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
    headers: {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    requestContext: { http: { method: options.method ?? 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('canary receiver', () => {
  it('accepts a valid Standard Webhooks signature and records it', async () => {
    const { handler, recorded } = receiver();
    expect((await handler(request('/run1/pooled'))).statusCode).toBe(204);
    expect(recorded).toEqual([
      {
        runId: 'run1',
        delivery: { path: 'pooled', receivedAt: 42, signatureValid: true, webhookId: 'msg_1', reason: null },
      },
    ]);
  });

  it('verifies a base64-encoded body (how Function URLs pass some payloads) on its decoded bytes', async () => {
    const { handler, recorded } = receiver();
    expect((await handler(request('/run1/dedicated', { base64: true }))).statusCode).toBe(204);
    expect(recorded[0]?.delivery.signatureValid).toBe(true);
  });

  it('answers 401 to a body that is not the signed one, and records the refusal with its reason', async () => {
    const { handler, recorded } = receiver();
    const response = await handler(request('/run1/dedicated', { sign: '{"type":"other"}' }));
    expect(response.statusCode).toBe(401);
    expect(recorded[0]?.delivery).toMatchObject({ path: 'dedicated', signatureValid: false });
    expect(recorded[0]?.delivery.reason).toMatch(/signature/i);
  });

  it('records nothing for unknown runs, unknown paths or other methods', async () => {
    const { handler, recorded } = receiver();
    expect((await handler(request('/other/pooled'))).statusCode).toBe(404);
    expect((await handler(request('/run1/somewhere'))).statusCode).toBe(404);
    expect((await handler(request('/run1'))).statusCode).toBe(404);
    expect((await handler(request('/run1/pooled', { method: 'GET' }))).statusCode).toBe(405);
    expect(recorded).toEqual([]);
  });
});
