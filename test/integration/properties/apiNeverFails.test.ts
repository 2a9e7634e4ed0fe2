import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import {
  anyBody,
  anyFilter,
  endpointUrl,
  hostileChar,
  jsonishContentType,
  jsonText,
  nastyString,
  notJsonBytes,
  numberLiteral,
  pctEncode,
  plausibleValue,
  queryString,
  segment,
  split,
  VALID_URL,
} from './apiArbitraries.ts';

/**
 * Issue 5, "Bad input (never 5xx, never lost)": random bodies, ids, queries, URLs and filters sent to the
 * real API. Whatever arrives, the answer is below 500, every 4xx is `{error: {code, message}}` with a
 * message, the server keeps answering /health, and a valid request afterwards still works. The
 * hand-written cases are in test/integration/api/badInput.*.test.ts; this file only goes random.
 */

const harness = useTestRuntime();
const fixture = { apiKey: '', endpointId: '' };
const VALID_BODY = JSON.stringify({ url: VALID_URL });
const REQUEST_TIMEOUT_MS = 5_000;
const PROPERTY_TIMEOUT_MS = 60_000;
const SEED = 20_261_128;

type Who = 'admin' | 'tenant';
/** One request: `authorization` overrides the Bearer token of `who`; bytes are sent as they are. */
interface Req {
  method: string;
  path: string;
  who: Who;
  body?: string | Uint8Array;
  contentType?: string;
  authorization?: string;
  timeoutMs?: number;
}
interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** One raw request; the per-request timeout turns a hung request into a failed property. */
async function send(r: Req): Promise<Answer> {
  const token = r.who === 'admin' ? TEST_ADMIN_TOKEN : fixture.apiKey;
  const headers: Record<string, string> = { authorization: r.authorization ?? `Bearer ${token}` };
  if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/json';
  const response = await fetch(`${harness.runtime.apiUrl}${r.path}`, {
    method: r.method,
    headers,
    body: typeof r.body === 'string' ? new TextEncoder().encode(r.body) : r.body && new Uint8Array(r.body),
    signal: AbortSignal.timeout(r.timeoutMs ?? REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

const describeReq = (r: Req) => {
  const body = typeof r.body === 'string' ? r.body.slice(0, 300) : r.body && pctEncode(r.body.slice(0, 100));
  return `${r.method} ${r.path.slice(0, 300)} [${r.contentType ?? ''} ${r.authorization ?? r.who}] ${body ?? ''}`;
};

/** The invariants of every answer, then /health. Throws (failing the run) with the request in the message. */
async function expectWellFormed(r: Req, answer: Answer): Promise<void> {
  const where = `${describeReq(r)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`5xx: ${where}`);
  if (answer.status >= 400) {
    if (!/^application\/json/.test(answer.contentType ?? '')) throw new Error(`4xx not JSON: ${where}`);
    // HEAD answers carry the headers of the error but no body.
    const body = r.method === 'HEAD' ? {} : (JSON.parse(answer.text) as { error?: Record<string, unknown> });
    const { code, message } = body.error ?? { code: 'head', message: 'head' };
    if (typeof code !== 'string' || code === '') throw new Error(`4xx without error.code: ${where}`);
    if (typeof message !== 'string' || message.trim() === '')
      throw new Error(`4xx without error.message: ${where}`);
  }
  const health = await fetch(`${harness.runtime.apiUrl}/health`, {
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (health.status !== 200) throw new Error(`/health answered ${health.status} after ${where}`);
  await health.text();
}

/** A property over random requests (or bursts of them, sent at once), then a valid request that must still work. */
function property(name: string, numRuns: number, requests: fc.Arbitrary<Req | Req[]>) {
  it(name, { timeout: PROPERTY_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (one) => {
        const batch = Array.isArray(one) ? one : [one];
        const answers = await Promise.all(batch.map(send));
        for (const [i, answer] of answers.entries()) await expectWellFormed(batch[i] as Req, answer);
      }),
      { seed: SEED, numRuns },
    );
    expect((await fetch(`${harness.runtime.apiUrl}/health`)).status).toBe(200);
    const created = await send({ method: 'POST', path: '/v1/endpoints', who: 'tenant', body: VALID_BODY });
    expect(created.status, created.text).toBe(201);
    const fetched = await send({ method: 'GET', path: `/v1/endpoints/${fixture.endpointId}`, who: 'tenant' });
    expect(fetched.status, fetched.text).toBe(200);
  });
}

// ---- Properties -------------------------------------------------------------------------------

beforeAll(async () => {
  const tenant = await harness.api.createTenant('props');
  fixture.apiKey = tenant.apiKey;
  fixture.endpointId = (await harness.api.createEndpoint(tenant.apiKey, { url: VALID_URL })).id;
});

const fixturePath = () => `/v1/endpoints/${fixture.endpointId}`;
const bodyRoute = fc.constantFrom(
  { method: 'POST', path: () => '/v1/tenants', who: 'admin' as Who },
  { method: 'POST', path: () => '/v1/endpoints', who: 'tenant' as Who },
  { method: 'PATCH', path: fixturePath, who: 'tenant' as Who },
  { method: 'POST', path: () => '/v1/dead-letters/redrive', who: 'admin' as Who },
);
const withBody = ([route, body]: [{ method: string; path: () => string; who: Who }, string]): Req => ({
  method: route.method,
  path: route.path(),
  who: route.who,
  body,
});
/** POST /v1/endpoints (with a valid url) or PATCH of the fixture, with `fields` added to the body. */
const endpointWrite = ([create, fields]: [boolean, string]): Req => ({
  method: create ? 'POST' : 'PATCH',
  path: create ? '/v1/endpoints' : fixturePath(),
  who: 'tenant',
  body: `{${create ? `"url":${JSON.stringify(VALID_URL)},` : ''}${fields}}`,
});
const jsonString = nastyString.map((s) => JSON.stringify(s));

const huge = fc.oneof(
  fc
    .tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom('[|]', '{"a":|}', '{"$or":[|]}'))
    .map(([depth, brackets]) => {
      const [open = '', close = ''] = brackets.split('|');
      return `${open.repeat(depth)}1${close.repeat(depth)}`;
    }),
  fc
    .tuple(fc.integer({ min: 1_000, max: 170_000 }), hostileChar)
    .map(([n, c]) => JSON.stringify(c.repeat(n))),
  fc.integer({ min: 400, max: 200_000 }).map((n) => `-${'9'.repeat(n)}.${'1'.repeat(n)}e-${n}`),
);
const hugeField = fc.option(
  fc.constantFrom(...split('id|name|url|description|filter|eventTypes|auth|authSecret|tenantId')),
  { nil: undefined },
);

const ID_ROUTES = split(
  'GET /v1/tenants/:id admin|GET /v1/endpoints/:id tenant|PATCH /v1/endpoints/:id tenant|DELETE /v1/endpoints/:id tenant|GET /v1/endpoints/:id/secret tenant|POST /v1/endpoints/:id/rotate-secret tenant|POST /v1/endpoints/:id/test tenant|GET /v1/endpoints/:id/deliveries tenant|GET /v1/dead-letters/:id admin|DELETE /v1/dead-letters/:id admin|POST /v1/dead-letters/:id/redrive admin',
).map((line) => line.split(' ') as [string, string, Who]);
const LIST_ROUTES = split(
  '/v1/endpoints tenant|/v1/dead-letters admin|/v1/tenants admin|:fixture/deliveries tenant',
).map((line) => line.split(' ') as [string, Who]);
const ANY_PATHS = split(
  '/v1/tenants|/v1/tenants/props|/v1/endpoints|:fixture|:fixture/deliveries|:fixture/nope|/v1/dead-letters|/v1/dead-letters/redrive|/v1|/v1/|//v1//endpoints|/v1/endpoints/|/V1/ENDPOINTS',
);
// Header values must be ByteStrings without CR, LF, NUL or DEL, or fetch refuses to send them.
const latin1 = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x7e : c)),
  maxLength: 80,
});
const authorization = fc.oneof(
  latin1,
  latin1.map((t) => `Bearer ${t}`),
  latin1.map((t) => `Bearer rk_${t}`),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'bearer rk_',
    `Basic ${TEST_ADMIN_TOKEN}`,
    `Bearer  ${TEST_ADMIN_TOKEN}  x`,
  ),
);

describe('the API never answers 5xx to bad input', () => {
  property('random JSON bodies on every body route', 150, fc.tuple(bodyRoute, anyBody).map(withBody));

  property(
    'non-JSON bytes and odd content types on every body route',
    100,
    fc.tuple(bodyRoute, notJsonBytes, jsonishContentType).map(([route, bytes, contentType]) => ({
      method: route.method,
      path: route.path(),
      who: route.who,
      body: bytes,
      contentType,
    })),
  );

  const validTenantId = fc
    .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/)
    .map((id) => JSON.stringify(id));
  const tenantValue = fc.oneof(jsonString, jsonText);
  property(
    'tenant bodies with random ids, names and tiers',
    100,
    fc
      .tuple(
        fc.oneof(validTenantId, tenantValue),
        fc.oneof({ arbitrary: jsonString, weight: 3 }, tenantValue),
        fc.option(fc.oneof(fc.constantFrom('"pooled"', '"dedicated"'), tenantValue), { nil: undefined }),
      )
      .map(([id, name, tier]) => ({
        method: 'POST',
        path: '/v1/tenants',
        who: 'admin' as Who,
        body: `{"id":${id},"name":${name}${tier === undefined ? '' : `,"tier":${tier}`}}`,
      })),
  );

  property(
    'random endpoint URLs on create and update',
    120,
    fc.tuple(fc.boolean(), endpointUrl).map(([create, url]) => ({
      ...endpointWrite([false, `"url":${JSON.stringify(url)}`]),
      ...(create ? { method: 'POST', path: '/v1/endpoints' } : {}),
      // Longer than glibc's 5 s DNS retry: a dropped resolver packet is slow, not a hang.
      timeoutMs: 15_000,
    })),
  );

  property(
    'random filters on create and update',
    150,
    fc
      .tuple(
        fc.boolean(),
        anyFilter.map((f) => `"filter":${f}`),
      )
      .map(endpointWrite),
  );

  property(
    'random path ids on every :id route',
    150,
    fc.tuple(fc.constantFrom(...ID_ROUTES), segment).map(([[method, template, who], id]) => ({
      method,
      path: template.replace(':id', id),
      who,
      body: method === 'PATCH' ? '{"description":"x"}' : undefined,
    })),
  );

  property(
    'random query strings on the list routes',
    150,
    fc.tuple(fc.constantFrom(...LIST_ROUTES), queryString).map(([[template, who], query]) => ({
      method: 'GET',
      path: `${template.replace(':fixture', fixturePath())}${query}`,
      who,
    })),
  );

  property(
    'huge strings, huge number literals and very deep nesting, under the body limit',
    30,
    fc.tuple(bodyRoute, hugeField, huge).map(([route, key, value]) => {
      const url =
        route.path() === '/v1/endpoints' && key !== 'url' ? `"url":${JSON.stringify(VALID_URL)},` : '';
      return withBody([route, key === undefined ? value : `{${url}${JSON.stringify(key)}:${value}}`]);
    }),
  );

  property(
    'random methods and Authorization headers on every route',
    120,
    fc
      .tuple(
        fc.constantFrom(...split('GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|PROPFIND')),
        fc.constantFrom(...ANY_PATHS),
        authorization,
        anyBody,
      )
      .map(([method, path, auth, body]) => ({
        method,
        path: path.replace(':fixture', fixturePath()),
        who: 'tenant' as Who,
        authorization: auth,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
      })),
  );

  property(
    'bursts of concurrent random requests',
    25,
    fc.array(
      fc.oneof(
        fc.tuple(bodyRoute, anyBody).map(withBody),
        fc
          .tuple(
            fc.boolean(),
            anyFilter.map((f) => `"filter":${f}`),
          )
          .map(endpointWrite),
        queryString.map((q): Req => ({ method: 'GET', path: `/v1/dead-letters${q}`, who: 'admin' })),
      ),
      { minLength: 5, maxLength: 25 },
    ),
  );

  property(
    'random redrive filters',
    80,
    fc
      .array(
        fc.tuple(
          fc.constantFrom('tenantId', 'endpointId', 'eventType'),
          fc.oneof(jsonString, numberLiteral, plausibleValue),
        ),
        {
          maxLength: 3,
        },
      )
      .map((entries) => ({
        method: 'POST',
        path: '/v1/dead-letters/redrive',
        who: 'admin' as Who,
        body: `{${entries.map(([k, v]) => `"${k}":${v}`).join(',')}}`,
      })),
  );
});
