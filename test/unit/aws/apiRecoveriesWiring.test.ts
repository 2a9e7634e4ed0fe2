import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Recoveries } from '../../../functions/ports/Recoveries.ts';

/**
 * The deployed API Lambda (functions/handlers/api.ts, its own wiring) offers resend and recover:
 * 202 from the Recoveries it wires, no longer 501. The AWS-side store is replaced here (it is
 * tested over the Data API in RdsDataRecoveries.test.ts) and so is the admin token's secret read.
 */
const ADMIN_TOKEN = 'admin-token-0123456789';
const resend = vi.fn<Recoveries['resend']>(async (_scope, endpointId, eventId) => ({
  kind: 'queued',
  deliveryId: '0190a0b0-0000-8000-8000-000000000001',
  eventId,
  endpointId,
}));
vi.mock('../../../functions/adapters/aws/readAdminToken.ts', () => ({
  readAdminToken: async () => ADMIN_TOKEN,
}));
vi.mock('../../../functions/handlers/wiring/recoveries.ts', () => ({
  recoveries: () => ({ resend, start: vi.fn(), get: vi.fn() }),
}));

const ENV_VALUES: Record<string, string> = {
  ROWHOOK_STAGE: 'test',
  ROWHOOK_TABLE_NAME: 'rowhook-test',
  ROWHOOK_DB_CLUSTER_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:test',
  ROWHOOK_DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db',
  ROWHOOK_DB_TENANT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenant',
  ROWHOOK_DB_NAME: 'rowhook',
  ROWHOOK_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-deliveries',
  ROWHOOK_ADMIN_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin',
  AWS_REGION: 'eu-west-1',
};
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [name, value] of Object.entries(ENV_VALUES)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the deployed API Lambda', () => {
  it('answers a resend with 202 through the Recoveries it wires', async () => {
    const { handler } = await import('../../../functions/handlers/api.ts');
    const eventId = '0190a0b0-1111-7000-8000-000000000002';
    const path = `/v1/endpoints/ep_1/events/evt_${eventId.replaceAll('-', '')}/resend`;
    const response = await handler(
      {
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: '',
        headers: { host: 'api.example.com', authorization: `Bearer ${ADMIN_TOKEN}` },
        requestContext: {
          accountId: '1',
          apiId: 'api',
          domainName: 'api.example.com',
          domainPrefix: 'api',
          http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
          requestId: 'r',
          routeKey: '$default',
          stage: '$default',
          time: '01/Jan/2026:00:00:00 +0000',
          timeEpoch: 0,
        },
        body: '',
        isBase64Encoded: false,
      } as never,
      {} as never,
    );
    expect({ status: response.statusCode, body: JSON.parse(response.body) }).toMatchObject({
      status: 202,
      body: { endpointId: 'ep_1', eventId: `evt_${eventId.replaceAll('-', '')}` },
    });
    expect(resend).toHaveBeenCalledWith({}, 'ep_1', eventId);
  });
});
