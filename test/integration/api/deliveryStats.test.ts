import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/**
 * The chart statistics (GET /v1/endpoints/{id}/stats, GET /v1/stats): per-minute attempt counts by
 * outcome and p50/p95 latency, computed in SQL, checked against the attempt rows themselves, and
 * scoped to the caller's tenant.
 */
// One retry then the dead-letter queue: every failing event makes exactly two failed attempts.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '50ms' });
const ok = new TestReceiver();
const failing = new TestReceiver();
let acme: { apiKey: string; endpointId: string };
let globex: { apiKey: string; endpointId: string };

type Bucket = {
  t: string;
  attempts: number;
  delivered: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
};
type AttemptRow = { endpoint_id: string; status: number | null; latency_ms: number; minute: Date };

/** PostgreSQL's percentile_cont: linear interpolation between the two closest ranks. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return Math.round(
    (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (rank - low),
  );
}

async function attemptRows(): Promise<AttemptRow[]> {
  return harness.database.db.query<AttemptRow>(
    "select endpoint_id, status, latency_ms, date_trunc('minute', started_at) as minute from rowhook.attempts",
  );
}

beforeAll(async () => {
  await ok.start();
  await failing.start();
  failing.respondWithStatuses(500);
  const a = await harness.api.createTenant('acme');
  acme = { apiKey: a.apiKey, endpointId: (await harness.api.createEndpoint(a.apiKey, { url: ok.url })).id };
  const g = await harness.api.createTenant('globex');
  globex = {
    apiKey: g.apiKey,
    endpointId: (await harness.api.createEndpoint(g.apiKey, { url: failing.url })).id,
  };
  for (let i = 0; i < 4; i++)
    await harness.api.call('POST', `/v1/endpoints/${acme.endpointId}/test`, acme.apiKey);
  for (let i = 0; i < 2; i++)
    await harness.api.call('POST', `/v1/endpoints/${globex.endpointId}/test`, globex.apiKey);
  await ok.waitForCount(4);
  // 2 events × 2 attempts each, then both are dead letters: no attempt is still to come.
  await vi.waitFor(
    async () => {
      const dead = await harness.api.call('GET', '/v1/dead-letters?tenantId=globex', TEST_ADMIN_TOKEN);
      expect(dead.json.items).toHaveLength(2);
    },
    { timeout: 15_000, interval: 100 },
  );
});

afterAll(async () => {
  await ok.stop();
  await failing.stop();
});

const totals = (buckets: Bucket[]) => ({
  attempts: buckets.reduce((n, b) => n + b.attempts, 0),
  delivered: buckets.reduce((n, b) => n + b.delivered, 0),
  failed: buckets.reduce((n, b) => n + b.failed, 0),
});

describe('delivery statistics per minute', () => {
  it("counts an endpoint's attempts by outcome per minute, with the latency percentiles of its rows", async () => {
    const res = await harness.api.call(
      'GET',
      `/v1/endpoints/${acme.endpointId}/stats?window=24h`,
      acme.apiKey,
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ endpointId: acme.endpointId, window: '24h', bucketSeconds: 60 });
    const buckets = res.json.buckets as Bucket[];
    expect(buckets.length).toBeGreaterThan(0);
    expect(totals(buckets)).toEqual({ attempts: 4, delivered: 4, failed: 0 });
    const rows = (await attemptRows()).filter((r) => r.endpoint_id === acme.endpointId);
    for (const bucket of buckets) {
      const minute = rows.filter((r) => r.minute.toISOString() === bucket.t).map((r) => r.latency_ms);
      expect(bucket.attempts).toBe(minute.length);
      expect(bucket.p50Ms).toBe(percentile(minute, 0.5));
      expect(bucket.p95Ms).toBe(percentile(minute, 0.95));
    }
  });

  it('counts failed attempts as failed', async () => {
    const res = await harness.api.call('GET', `/v1/endpoints/${globex.endpointId}/stats`, globex.apiKey);
    expect(res.json.window).toBe('24h');
    expect(totals(res.json.buckets)).toEqual({ attempts: 4, delivered: 0, failed: 4 });
  });

  it("gives operators every tenant's minutes, or one tenant's", async () => {
    const all = await harness.api.call('GET', '/v1/stats', TEST_ADMIN_TOKEN);
    expect(all.json.tenantId).toBeNull();
    expect(totals(all.json.buckets)).toEqual({ attempts: 8, delivered: 4, failed: 4 });
    const one = await harness.api.call('GET', '/v1/stats?tenantId=globex&window=1h', TEST_ADMIN_TOKEN);
    expect(one.json).toMatchObject({ tenantId: 'globex', window: '1h' });
    expect(totals(one.json.buckets)).toEqual({ attempts: 4, delivered: 0, failed: 4 });
  });

  it("never shows a tenant another tenant's endpoint, nor the operator route", async () => {
    const other = await harness.api.call('GET', `/v1/endpoints/${globex.endpointId}/stats`, acme.apiKey);
    expect(other.status).toBe(404);
    expect((await harness.api.call('GET', '/v1/stats', acme.apiKey)).status).toBe(403);
  });

  it('refuses unknown windows and tenants with a 4xx that says what to send', async () => {
    const window = await harness.api.call(
      'GET',
      `/v1/endpoints/${acme.endpointId}/stats?window=7d`,
      acme.apiKey,
    );
    expect(window.status).toBe(400);
    expect(window.json.error.message).toContain('"1h", "6h" or "24h"');
    expect((await harness.api.call('GET', '/v1/stats?tenantId=nobody', TEST_ADMIN_TOKEN)).status).toBe(404);
  });
});
