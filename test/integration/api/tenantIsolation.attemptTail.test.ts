import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/** GET /v1/attempts is the one route both credentials reach: its tenant scoping, next to tenantIsolation.test.ts. */

const harness = useTestRuntime();
const receivers: TestReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

/** A GET with an arbitrary Authorization header (or none). */
async function send(method: string, path: string, authorization: string | undefined) {
  const response = await fetch(`${harness.runtime.apiUrl}${path}`, {
    method,
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.status, json: await response.json() };
}

describe('the attempt tail (GET /v1/attempts) keeps tenants apart', () => {
  it('shows a tenant key only its own attempts, refuses other tenant ids, and needs a valid credential', async () => {
    const tenantA = await harness.api.createTenant('tail-iso-a');
    const tenantB = await harness.api.createTenant('tail-iso-b');
    const shared = await new TestReceiver().start();
    receivers.push(shared);
    const endpointA = await harness.api.createEndpoint(tenantA.apiKey, { url: shared.url });
    const endpointB = await harness.api.createEndpoint(tenantB.apiKey, { url: shared.url });
    const sentA = (await harness.api.call('POST', `/v1/endpoints/${endpointA.id}/test`, tenantA.apiKey)).json
      .eventId;
    const sentB = (await harness.api.call('POST', `/v1/endpoints/${endpointB.id}/test`, tenantB.apiKey)).json
      .eventId;
    await shared.waitForCount(2);
    await expect
      .poll(
        async () =>
          (await harness.api.call('GET', '/v1/attempts?limit=100', TEST_ADMIN_TOKEN)).json.items.length,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(2);

    const seenByB = await harness.api.call('GET', '/v1/attempts?limit=100', tenantB.apiKey);
    expect(seenByB.status).toBe(200);
    expect(seenByB.json.items.map((a: { webhookId: string }) => a.webhookId)).toEqual([sentB]);
    expect(JSON.stringify(seenByB.json)).not.toContain(tenantA.id);
    // Naming A's endpoint finds nothing; naming A's tenant is refused.
    const byEndpoint = await harness.api.call(
      'GET',
      `/v1/attempts?endpointId=${endpointA.id}`,
      tenantB.apiKey,
    );
    expect(byEndpoint.json.items).toEqual([]);
    const byTenant = await harness.api.call('GET', `/v1/attempts?tenantId=${tenantA.id}`, tenantB.apiKey);
    expect(byTenant.status).toBe(403);
    expect(JSON.stringify(byTenant.json)).not.toContain(sentA);

    for (const authorization of [
      undefined,
      'Bearer rk_not-a-real-key-000000000000000000',
      `Bearer ${TEST_ADMIN_TOKEN}x`,
    ]) {
      const res = await send('GET', '/v1/attempts', authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});
