/**
 * Regressions found by review: keyset cursors must keep PostgreSQL's microseconds, and a 413 must
 * not poison the client's kept-alive connection.
 */
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

const harness = useTestRuntime();

/** Follows nextCursor with limit=1; gives up (and says so) after `maxPages`. */
async function walk(path: string, token: string, maxPages = 20) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const res = await harness.api.call(
      'GET',
      `${path}${separator}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    );
    expect(res.status).toBe(200);
    ids.push(...res.json.items.map((item: { id: string }) => item.id));
    cursor = res.json.nextCursor;
    if (!cursor) return { ids, ended: true };
  }
  return { ids, ended: false };
}

describe('keyset pagination (cursor timestamps are cut to milliseconds; PostgreSQL keeps microseconds)', () => {
  it('pages through a tenant’s endpoints once each and ends', async () => {
    const tenant = await harness.api.createTenant('paging-endpoints');
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      created.push((await harness.api.createEndpoint(tenant.apiKey, { url: 'http://127.0.0.1:9/x' })).id);
    }
    // Sub-millisecond creation times, as PostgreSQL records them (fixed here so the test is exact).
    await harness.database.db.query(
      `update rowhook.endpoints e set created_at = '2026-01-01T00:00:00.000500Z'::timestamptz + n.i * interval '1 ms'
         from unnest($1::text[]) with ordinality as n(id, i) where e.id = n.id`,
      [created],
    );
    const result = await walk('/v1/endpoints', tenant.apiKey);
    expect(result.ended).toBe(true);
    expect(result.ids).toEqual(created);
  });

  it('pages through dead letters without skipping any', async () => {
    const tenant = await harness.api.createTenant('paging-dead');
    const receiver = await new TestReceiver().start();
    receiver.respondWithStatuses(500);
    try {
      const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
      for (let i = 0; i < 3; i++)
        await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
      await expect
        .poll(
          async () =>
            (await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN)).json
              .items,
          { timeout: 15_000 },
        )
        .toHaveLength(3);
      // Dead letters finished in one flush share finished_at to the microsecond.
      await harness.database.db.query(
        `update rowhook.deliveries set finished_at = '2026-01-01T00:00:00.123456Z' where tenant_id = $1`,
        [tenant.id],
      );
      const all = (await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN))
        .json.items as { id: string }[];
      const result = await walk(`/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN);
      expect(result.ended).toBe(true);
      expect(result.ids).toEqual(all.map((d) => d.id));
    } finally {
      await receiver.stop();
    }
  });
});

describe('413 and kept-alive connections', () => {
  it('a request after two oversized bodies on the same client still gets an answer', async () => {
    const tenant = await harness.api.createTenant('keep-alive');
    const post = async (body: string) => {
      const response = await fetch(`${harness.runtime.apiUrl}/v1/endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body,
      });
      await response.text();
      return response.status;
    };
    const oversized = `{"description":"${'a'.repeat(1024 * 1024)}"}`;
    expect(await post(oversized)).toBe(413);
    expect(await post(oversized)).toBe(413);
    // Once failed with "fetch failed" (other side closed): the 413 went out with
    // "Connection: keep-alive", then the server closed the connection about 500 ms later.
    expect(await post('{}')).toBe(400);
  });
});

describe('query parameters', () => {
  it('refuses a misspelt filter instead of listing every tenant', async () => {
    const res = await harness.api.call('GET', '/v1/dead-letters?tenantid=acme', TEST_ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/unknown field\(s\) "tenantid"/);
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers an unknown method with the JSON error shape, not an empty 400', async () => {
    const { request } = await import('node:http');
    const url = new URL(harness.runtime.apiUrl);
    const answer = await new Promise<{ status: number; body: string; type: string | undefined }>(
      (resolve, reject) => {
        const req = request({
          host: url.hostname,
          port: url.port,
          path: '/v1/tenants',
          method: 'X-CUSTOM',
          agent: false,
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/json');
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'bad_request', message: expect.any(String) });
  });
});
