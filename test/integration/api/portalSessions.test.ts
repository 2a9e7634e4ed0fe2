import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/**
 * Portal sessions (POST /v1/tenants/{id}/portal-sessions): a short-lived token that acts as its
 * tenant on the tenant routes only, refused once expired, and refused on every mutating route when
 * read-only — every one the route registry declares, so a route added later is covered too.
 */
const harness = useTestRuntime();
const receiver = new TestReceiver();
let acme: { apiKey: string; endpointId: string };
let globexEndpointId: string;

type Operation = { security?: Array<Record<string, unknown>> };

async function openSession(tenantId: string, body?: Record<string, unknown>) {
  const res = await harness.api.call(
    'POST',
    `/v1/tenants/${tenantId}/portal-sessions`,
    TEST_ADMIN_TOKEN,
    body,
  );
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string; url: string; expiresAt: string; readOnly: boolean };
}

beforeAll(async () => {
  await receiver.start();
  const tenant = await harness.api.createTenant('acme');
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
  acme = { apiKey: tenant.apiKey, endpointId: endpoint.id };
  const globex = await harness.api.createTenant('globex');
  globexEndpointId = (await harness.api.createEndpoint(globex.apiKey, { url: receiver.url })).id;
});

afterAll(() => receiver.stop());

describe('portal sessions', () => {
  it('answers a URL carrying the public session id in its query and the token only in its fragment', async () => {
    const before = Date.now();
    const session = await openSession('acme', { expiresIn: 600 });
    expect(session.token).toMatch(/^rps_[A-Za-z0-9_-]{43}$/);
    const url = new URL(session.url);
    expect(url.pathname).toBe('/portal/');
    expect(url.searchParams.get('session')).toBe(session.id);
    expect(url.search).not.toContain(session.token);
    expect(url.hash).toBe(`#token=${session.token}`);
    const lifetime = Date.parse(session.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThanOrEqual(601_000);
    // Stored as a hash only: the token itself is nowhere in the table.
    const rows = await harness.database.db.query(
      "select * from rowhook.portal_sessions where id = $1 and token_hash = sha256(convert_to($2, 'UTF8'))",
      [session.id, session.token],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(session.token);
  });

  it('defaults to 15 minutes and refuses lifetimes over an hour, bad bodies and unknown tenants', async () => {
    const session = await openSession('acme');
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    const tooLong = await harness.api.call('POST', '/v1/tenants/acme/portal-sessions', TEST_ADMIN_TOKEN, {
      expiresIn: 3601,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.message).toContain('at most 3600 seconds');
    const notBool = await harness.api.call('POST', '/v1/tenants/acme/portal-sessions', TEST_ADMIN_TOKEN, {
      readOnly: 'yes',
    });
    expect(notBool.status).toBe(400);
    const unknown = await harness.api.call(
      'POST',
      '/v1/tenants/nobody/portal-sessions',
      TEST_ADMIN_TOKEN,
      {},
    );
    expect(unknown.status).toBe(404);
    const asTenant = await harness.api.call('POST', '/v1/tenants/acme/portal-sessions', acme.apiKey, {});
    expect(asTenant.status).toBe(403);
  });

  it("acts as its tenant on tenant routes, never on another tenant's data or on operator routes", async () => {
    const { token } = await openSession('acme');
    const list = await harness.api.call('GET', '/v1/endpoints', token);
    expect(list.status).toBe(200);
    expect(list.json.items.map((e: { id: string }) => e.id)).toEqual([acme.endpointId]);
    expect((await harness.api.call('GET', `/v1/endpoints/${globexEndpointId}`, token)).status).toBe(404);
    expect((await harness.api.call('GET', `/v1/endpoints/${globexEndpointId}/stats`, token)).status).toBe(
      404,
    );
    expect((await harness.api.call('DELETE', `/v1/endpoints/${globexEndpointId}`, token)).status).toBe(404);
    const operator = await harness.api.call('GET', '/v1/dead-letters', token);
    expect(operator.status).toBe(403);
    expect(operator.json.error.message).toContain('for operators');
    const me = await harness.api.call('GET', '/v1/portal-session', token);
    expect(me.json).toMatchObject({ tenantId: 'acme', readOnly: false });
    // A full session may change things: create and delete an endpoint.
    const created = await harness.api.call('POST', '/v1/endpoints', token, { url: receiver.url });
    expect(created.status).toBe(201);
    expect((await harness.api.call('DELETE', `/v1/endpoints/${created.json.id}`, token)).status).toBe(204);
  });

  it('answers 401 with a clear message once the session has expired, and for unknown tokens', async () => {
    const session = await openSession('acme', { expiresIn: 60 });
    expect((await harness.api.call('GET', '/v1/endpoints', session.token)).status).toBe(200);
    await harness.database.db.query(
      "update rowhook.portal_sessions set expires_at = now() - interval '1 second' where id = $1",
      [session.id],
    );
    const expired = await harness.api.call('GET', '/v1/endpoints', session.token);
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('session_expired');
    expect(expired.json.error.message).toMatch(/^the portal session expired at .+; open the portal again/);
    const forged = await harness.api.call('GET', '/v1/endpoints', `rps_${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    expect(forged.json.error.message).toContain('portal token is not valid');
  });

  it('refuses a read-only session on every mutating tenant route of the registry, and changes nothing', async () => {
    const { token } = await openSession('acme', { readOnly: true });
    const document = (await harness.api.call('GET', '/openapi.json', TEST_ADMIN_TOKEN)).json as {
      paths: Record<string, Record<string, Operation>>;
    };
    const tenantCredential = (op: Operation) => (op.security ?? []).some((s) => 'tenantKey' in s);
    const mutating = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method, op]) => method !== 'get' && tenantCredential(op))
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    // The registry's own mutating tenant routes, at least these (the list grows with new routes).
    expect(mutating.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/endpoints',
        'PATCH /v1/endpoints/{id}',
        'DELETE /v1/endpoints/{id}',
        'POST /v1/endpoints/{id}/rotate-secret',
        'POST /v1/endpoints/{id}/test',
      ]),
    );
    const secretBefore = (await harness.api.call('GET', `/v1/endpoints/${acme.endpointId}/secret`, token))
      .json;
    for (const route of mutating) {
      // Real ids everywhere, so a 403 is the guard's answer, not a missing endpoint's.
      const path = route.path.replace(/\{[^}]+\}/g, (param) =>
        param === '{id}' || param === '{endpointId}'
          ? acme.endpointId
          : 'evt_00000000000000000000000000000000',
      );
      const res = await harness.api.call(route.method, path, token, { url: receiver.url });
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 403,
      });
      expect(res.json.error.code).toBe('read_only_session');
      expect(res.json.error.message).toContain('read-only');
    }
    // Reads still work, and nothing changed: the endpoint and its secret are as they were.
    const endpoint = await harness.api.call('GET', `/v1/endpoints/${acme.endpointId}`, token);
    expect(endpoint.status).toBe(200);
    expect((await harness.api.call('GET', `/v1/endpoints/${acme.endpointId}/secret`, token)).json).toEqual(
      secretBefore,
    );
    expect((await harness.api.call('GET', '/v1/endpoints', token)).json.items).toHaveLength(1);
    expect((await harness.api.call('GET', '/v1/portal-session', token)).json.readOnly).toBe(true);
  });
});

describe("a tenant's frame ancestors", () => {
  const csp = async (query: string) => {
    const res = await fetch(`${harness.runtime.apiUrl}/portal/${query}`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return { csp: res.headers.get('content-security-policy') ?? '', xfo: res.headers.get('x-frame-options') };
  };

  it('validates them as origins with an actionable message', async () => {
    for (const bad of [
      'app.example.com',
      'https://app.example.com/settings',
      'ftp://x.example',
      'https://*.example.com',
    ]) {
      const res = await harness.api.call('PATCH', '/v1/tenants/acme', TEST_ADMIN_TOKEN, {
        portalFrameAncestors: [bad],
      });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toContain(`"${bad}" is not an origin`);
    }
    const missing = await harness.api.call('PATCH', '/v1/tenants/nobody', TEST_ADMIN_TOKEN, {
      portalFrameAncestors: [],
    });
    expect(missing.status).toBe(404);
  });

  it("frames the portal page only from the session tenant's origins, and from nowhere by default", async () => {
    const saved = await harness.api.call('PATCH', '/v1/tenants/acme', TEST_ADMIN_TOKEN, {
      portalFrameAncestors: ['https://App.Example.com:443/', 'http://localhost:3000'],
    });
    expect(saved.json.portalFrameAncestors).toEqual(['https://app.example.com', 'http://localhost:3000']);
    const acmeSession = await openSession('acme');
    const globexSession = await openSession('globex');

    const framed = await csp(`?session=${acmeSession.id}`);
    expect(framed.csp).toContain('frame-ancestors https://app.example.com http://localhost:3000');
    expect(framed.xfo).toBeNull();
    // Another tenant's session, no session, an unknown one: nobody may frame the page.
    for (const query of [`?session=${globexSession.id}`, '', '?session=ps_unknown']) {
      const page = await csp(query);
      expect(page.csp).toContain("frame-ancestors 'none'");
      expect(page.xfo).toBe('DENY');
    }
  });
});
