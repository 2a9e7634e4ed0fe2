import { request as httpRequest } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import type { LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { apiClient, startTestRuntime, TEST_ADMIN_TOKEN } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

let database: TestDatabase;
let runtime: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let tenant: { id: string; apiKey: string };
let endpointId: string;
let receiver: TestReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startTestRuntime(database.url);
  api = apiClient(runtime.apiUrl);
  tenant = await api.createTenant('bad-input');
  receiver = await new TestReceiver().start();
  endpointId = (await api.createEndpoint(tenant.apiKey, { url: receiver.url, description: 'original' })).id;
});

afterAll(async () => {
  await receiver?.stop();
  await runtime?.stop();
  await database?.drop();
});

const json = (value: unknown) => JSON.stringify(value);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const MB = 1024 * 1024;

interface Case {
  name: string;
  method: string;
  /** A function when it needs ids created in beforeAll. */
  path: string | (() => string);
  auth: 'tenant' | 'admin';
  /** Raw request body. */
  body?: string;
  /** Defaults to application/json when there is a body; null sends none. */
  contentType?: string | null;
  status: number;
  code: string;
  /** Substrings (or patterns) the error message must contain: it has to name the problem. */
  message: (string | RegExp)[];
}

/**
 * One request on its own connection (node:http, no agent). A fresh connection per request keeps the
 * oversized-body cases from affecting the others: after an early 413 the server closes the
 * kept-alive connection some time later (see knownBugs.test.ts).
 */
async function send(c: Pick<Case, 'method' | 'path' | 'auth' | 'body' | 'contentType'>) {
  const url = new URL(`${runtime.apiUrl}${typeof c.path === 'function' ? c.path() : c.path}`);
  const headers: Record<string, string> = {
    authorization: `Bearer ${c.auth === 'admin' ? TEST_ADMIN_TOKEN : tenant.apiKey}`,
  };
  const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
  if (c.body !== undefined && contentType !== null) headers['content-type'] = contentType;
  if (c.body !== undefined) headers['content-length'] = String(Buffer.byteLength(c.body));
  const response = await new Promise<{ status: number; contentType: string | null; text: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: c.method,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'] ?? null,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      let answered = false;
      request.on('response', () => {
        answered = true;
      });
      // The server may answer (413) and stop reading before the upload ends; the answer is what counts.
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      request.end(c.body);
    },
  );
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    body = response.text;
  }
  return { status: response.status, contentType: response.contentType, body };
}

function expectError(
  res: { status: number; contentType: string | null; body: unknown },
  c: Pick<Case, 'status' | 'code' | 'message'>,
) {
  expect(res.status).toBeLessThan(500);
  expect(res.status).toBe(c.status);
  expect(res.contentType).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code: c.code, message: expect.any(String) } });
  const message = (res.body as { error: { message: string } }).error.message;
  for (const part of c.message) {
    if (typeof part === 'string') expect(message).toContain(part);
    else expect(message).toMatch(part);
  }
}

const validUrl = () => receiver.url;
const endpointPath = () => `/v1/endpoints/${endpointId}`;

const createEndpointCases: Case[] = [
  {
    name: 'invalid JSON body',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: '{"url": "http://127.0.0.1/",',
    status: 400,
    code: 'invalid_json',
    message: ['not valid JSON'],
  },
  {
    name: 'an empty body',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: '',
    status: 400,
    code: 'invalid_json',
    message: ['not valid JSON'],
  },
  {
    name: 'wrong content-type (text/plain)',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/' }),
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
    message: ['Content-Type: application/json'],
  },
  {
    name: 'no content-type',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/' }),
    contentType: null,
    status: 415,
    code: 'unsupported_media_type',
    message: ['Content-Type: application/json'],
  },
  {
    name: 'form-encoded content-type',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: 'url=http://127.0.0.1/',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'unsupported_media_type',
    message: ['JSON'],
  },
  {
    name: 'unknown field "urll"',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ urll: 'http://127.0.0.1/' }),
    status: 400,
    code: 'invalid_request',
    message: ['unknown field', '"urll"'],
  },
  {
    name: 'unknown field next to a valid url',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', secret: 'mine' }),
    status: 400,
    code: 'invalid_request',
    message: ['unknown field', '"secret"'],
  },
  {
    name: 'url of the wrong type',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 123 }),
    status: 400,
    code: 'invalid_request',
    message: ['url:', /string/],
  },
  {
    name: 'enabled of the wrong type',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', enabled: 'yes' }),
    status: 400,
    code: 'invalid_request',
    message: ['enabled:', /boolean/],
  },
  {
    name: 'eventTypes as a string instead of an array',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', eventTypes: 'orders.created' }),
    status: 400,
    code: 'invalid_request',
    message: ['eventTypes:', /array/],
  },
  {
    name: 'description as a number',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', description: 5 }),
    status: 400,
    code: 'invalid_request',
    message: ['description:', /string/],
  },
  {
    name: 'a JSON array as the body',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json([{ url: 'http://127.0.0.1/' }]),
    status: 400,
    code: 'invalid_request',
    message: ['body:', /object/],
  },
  {
    name: 'JSON null as the body',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: 'null',
    status: 400,
    code: 'invalid_request',
    message: ['body:', /object/],
  },
  {
    name: 'missing url',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ description: 'no url' }),
    status: 400,
    code: 'invalid_request',
    message: ['url:'],
  },
  {
    name: 'a description over 500 characters',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', description: 'x'.repeat(501) }),
    status: 400,
    code: 'invalid_request',
    message: ['description:', '500'],
  },
  {
    name: 'invalid URL',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'not a url' }),
    status: 400,
    code: 'invalid_url',
    message: ['"not a url"', 'not an absolute URL'],
  },
  {
    name: 'ftp:// scheme',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'ftp://127.0.0.1/hooks' }),
    status: 400,
    code: 'invalid_url',
    message: ['http or https', 'not ftp'],
  },
  {
    name: 'javascript: scheme',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'javascript:alert(1)' }),
    status: 400,
    code: 'invalid_url',
    message: ['http or https'],
  },
  {
    name: 'URL with credentials',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://user:hunter2@127.0.0.1/x' }),
    status: 400,
    code: 'invalid_url',
    message: ['must not contain credentials'],
  },
  {
    name: 'URL with a #fragment',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/x#frag' }),
    status: 400,
    code: 'invalid_url',
    message: ['#fragment'],
  },
  {
    name: 'URL to a private address (10.0.0.1)',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://10.0.0.1/x' }),
    status: 400,
    code: 'blocked_address',
    message: ['10.0.0.1', 'private (RFC 1918)', 'ROWHOOK_ALLOWED_NETWORKS'],
  },
  {
    name: 'URL to the cloud metadata service (169.254.169.254)',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://169.254.169.254/' }),
    status: 400,
    code: 'blocked_address',
    message: ['169.254.169.254', 'cloud metadata'],
  },
  {
    name: 'URL to loopback outside the allowed 127.0.0.1/32',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.2:8080/x' }),
    status: 400,
    code: 'blocked_address',
    message: ['127.0.0.2', 'loopback'],
  },
  {
    name: 'URL to IPv6 loopback',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://[::1]/x' }),
    status: 400,
    code: 'blocked_address',
    message: ['::1', 'loopback'],
  },
  {
    name: 'URL to an IPv4-mapped IPv6 private address',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://[::ffff:10.0.0.1]/x' }),
    status: 400,
    code: 'blocked_address',
    message: ['10.0.0.1', 'private'],
  },
  {
    name: 'URL to 0.0.0.0 spelled as a bare number',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://0/' }),
    status: 400,
    code: 'blocked_address',
    message: ['0.0.0.0'],
  },
  {
    name: 'URL to 10.0.0.1 spelled in hex',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://0xa000001/' }),
    status: 400,
    code: 'blocked_address',
    message: ['10.0.0.1'],
  },
  {
    name: 'invalid filter pattern',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', filter: { data: { amount: 5 } } }),
    status: 400,
    code: 'invalid_filter',
    message: ['filter.data.amount', 'expected an array'],
  },
  {
    name: 'invalid filter operator',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', filter: { data: { amount: [{ numeric: ['>>', 1] }] } } }),
    status: 400,
    code: 'invalid_filter',
    message: ['filter.data.amount'],
  },
  {
    name: 'filter as an array',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', filter: [1] }),
    status: 400,
    code: 'invalid_request',
    message: ['filter:'],
  },
  {
    name: 'invalid eventTypes entry',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', eventTypes: ['orders.created', 'orders..bad'] }),
    status: 400,
    code: 'invalid_request',
    message: ['eventTypes.1', 'must be an event type'],
  },
  {
    name: 'empty eventTypes list',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: json({ url: 'http://127.0.0.1/', eventTypes: [] }),
    status: 400,
    code: 'invalid_request',
    message: ['eventTypes', 'at least one event type'],
  },
  {
    name: 'NUL byte in description',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: '{"url":"http://127.0.0.1/","description":"a\\u0000b"}',
    status: 400,
    code: 'invalid_input',
    message: ['0x00'],
  },
  {
    name: 'NUL byte inside a filter value',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: '{"url":"http://127.0.0.1/","filter":{"data":{"name":["a\\u0000b"]}}}',
    status: 400,
    code: 'invalid_input',
    message: ['unsupported Unicode escape sequence'],
  },
];

const updateEndpointCases: Case[] = [
  {
    name: 'empty PATCH body',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: '{}',
    status: 400,
    code: 'invalid_request',
    message: ['send at least one of url, description, eventTypes, filter, enabled'],
  },
  {
    name: 'PATCH with an unknown field',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: json({ tenantId: 'someone-else' }),
    status: 400,
    code: 'invalid_request',
    message: ['unknown field', '"tenantId"'],
  },
  {
    name: 'PATCH to a blocked url',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: json({ url: 'http://192.168.1.1/' }),
    status: 400,
    code: 'blocked_address',
    message: ['192.168.1.1', 'private'],
  },
  {
    name: 'PATCH with an invalid filter',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: json({ filter: { type: 'orders.created' } }),
    status: 400,
    code: 'invalid_filter',
    message: ['filter.type', 'expected an array'],
  },
  {
    name: 'PATCH with NUL byte in description',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: '{"description":"a\\u0000b"}',
    status: 400,
    code: 'invalid_input',
    message: ['0x00'],
  },
  {
    name: 'PATCH with wrong content-type',
    method: 'PATCH',
    path: endpointPath,
    auth: 'tenant',
    body: json({ description: 'x' }),
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
    message: ['application/json'],
  },
];

const tenantCases: Case[] = [
  {
    name: 'duplicate tenant id',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: json({ id: 'bad-input', name: 'again' }),
    status: 409,
    code: 'tenant_exists',
    message: ['"bad-input"', 'already exists'],
  },
  ...['has space', '../etc', '-leading-dash', 'é', '', 'x'.repeat(129), 'a/b', 'a\u0000b'].map(
    (id): Case => ({
      name: `bad tenant id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 10)}…(${id.length})` : id)}`,
      method: 'POST',
      path: '/v1/tenants',
      auth: 'admin',
      body: json({ id, name: 'x' }),
      status: 400,
      code: 'invalid_request',
      message: ['id:', 'must be 1-128 characters'],
    }),
  ),
  {
    name: 'tenant id of the wrong type',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: json({ id: 42, name: 'x' }),
    status: 400,
    code: 'invalid_request',
    message: ['id:'],
  },
  {
    name: 'blank tenant name',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: json({ id: 'blank-name', name: '   ' }),
    status: 400,
    code: 'invalid_request',
    message: ['name:', 'must not be empty'],
  },
  {
    name: 'unknown tier',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: json({ id: 'bad-tier', name: 'x', tier: 'gold' }),
    status: 400,
    code: 'invalid_request',
    message: ['tier:'],
  },
  {
    name: 'NUL byte in tenant name',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: '{"id":"nul-name","name":"a\\u0000b"}',
    status: 400,
    code: 'invalid_input',
    message: ['0x00'],
  },
];

const listPaths: { name: string; path: () => string; auth: 'tenant' | 'admin' }[] = [
  { name: 'GET /v1/endpoints', path: () => '/v1/endpoints', auth: 'tenant' },
  { name: 'GET /v1/endpoints/{id}/deliveries', path: () => `${endpointPath()}/deliveries`, auth: 'tenant' },
  { name: 'GET /v1/dead-letters', path: () => '/v1/dead-letters', auth: 'admin' },
];

const queryCases: Case[] = listPaths.flatMap(({ name, path, auth }): Case[] => [
  ...['0', '-1', 'abc', '1000', '251', '1.5'].map(
    (limit): Case => ({
      name: `${name} with limit=${limit}`,
      method: 'GET',
      path: () => `${path()}?limit=${limit}`,
      auth,
      status: 400,
      code: 'invalid_query',
      message: ['limit:'],
    }),
  ),
  {
    name: `${name} with a garbage cursor`,
    method: 'GET',
    path: () => `${path()}?cursor=garbage!!`,
    auth,
    status: 400,
    code: 'invalid_cursor',
    message: ['cursor is not valid'],
  },
  {
    name: `${name} with a cursor of the wrong shape`,
    method: 'GET',
    path: () => `${path()}?cursor=${cursorOf({ a: 1 })}`,
    auth,
    status: 400,
    code: 'invalid_cursor',
    message: ['cursor is not valid'],
  },
  {
    name: `${name} with an empty cursor`,
    method: 'GET',
    path: () => `${path()}?cursor=`,
    auth,
    status: 400,
    code: 'invalid_query',
    message: ['cursor:'],
  },
]);

const forgedCursorCases: Case[] = [
  {
    name: 'GET /v1/endpoints with a well-formed cursor holding a non-date',
    method: 'GET',
    path: () => `/v1/endpoints?cursor=${cursorOf(['not-a-date', 'ep_x'])}`,
    auth: 'tenant',
    status: 400,
    code: 'invalid_input',
    message: ['not-a-date'],
  },
  {
    name: 'GET /v1/dead-letters with a well-formed cursor holding a non-uuid',
    method: 'GET',
    path: () => `/v1/dead-letters?cursor=${cursorOf(['2026-01-01T00:00:00.000Z', 'not-a-uuid'])}`,
    auth: 'admin',
    status: 400,
    code: 'invalid_input',
    message: ['not-a-uuid'],
  },
  {
    name: 'GET /v1/endpoints/{id}/deliveries with an out-of-range numeric cursor',
    method: 'GET',
    path: () => `${endpointPath()}/deliveries?cursor=${cursorOf(['99999999999999999999999'])}`,
    auth: 'tenant',
    status: 400,
    code: 'invalid_input',
    message: ['out of range'],
  },
];

const routingCases: Case[] = [
  {
    name: 'unknown route',
    method: 'GET',
    path: '/v1/nope',
    auth: 'tenant',
    status: 404,
    code: 'not_found',
    message: ['no route for GET /v1/nope'],
  },
  {
    name: 'unknown top-level path',
    method: 'POST',
    path: '/admin',
    auth: 'admin',
    body: '{}',
    status: 404,
    code: 'not_found',
    message: ['no route for POST /admin'],
  },
  {
    name: 'unknown endpoint id',
    method: 'GET',
    path: '/v1/endpoints/ep_000000000000000000000000',
    auth: 'tenant',
    status: 404,
    code: 'not_found',
    message: ['endpoint "ep_000000000000000000000000" not found'],
  },
  ...(['GET', 'DELETE'] as const).map(
    (method): Case => ({
      name: `${method} malformed dead-letter id`,
      method,
      path: '/v1/dead-letters/not-an-id',
      auth: 'admin',
      status: 404,
      code: 'not_found',
      message: ['dead letter "not-an-id" not found'],
    }),
  ),
  {
    name: 'POST redrive of a malformed dead-letter id',
    method: 'POST',
    path: '/v1/dead-letters/dlv_xyz/redrive',
    auth: 'admin',
    status: 404,
    code: 'not_found',
    message: ['dead letter "dlv_xyz" not found'],
  },
  {
    name: 'GET a dead-letter id with the wrong prefix',
    method: 'GET',
    path: '/v1/dead-letters/evt_0123456789abcdef0123456789abcdef',
    auth: 'admin',
    status: 404,
    code: 'not_found',
    message: ['not found'],
  },
  {
    name: 'GET a well-formed but unknown dead-letter id',
    method: 'GET',
    path: `/v1/dead-letters/dlv_${'0'.repeat(32)}`,
    auth: 'admin',
    status: 404,
    code: 'not_found',
    message: ['not found'],
  },
  {
    name: 'redrive filter with an unknown field',
    method: 'POST',
    path: '/v1/dead-letters/redrive',
    auth: 'admin',
    body: json({ tenant: 'x' }),
    status: 400,
    code: 'invalid_request',
    message: ['unknown field', '"tenant"'],
  },
  {
    name: 'redrive filter with a NUL byte',
    method: 'POST',
    path: '/v1/dead-letters/redrive',
    auth: 'admin',
    body: '{"tenantId":"a\\u0000b"}',
    status: 400,
    code: 'invalid_input',
    message: ['0x00'],
  },
  {
    name: 'dead-letter list filtered by a NUL byte',
    method: 'GET',
    path: '/v1/dead-letters?tenantId=a%00b',
    auth: 'admin',
    status: 400,
    code: 'invalid_input',
    message: ['0x00'],
  },
];

const oversized = `{"url":"http://127.0.0.1/","description":"${'a'.repeat(MB)}"}`;
const sizeCases: Case[] = [
  {
    name: 'a body over 1 MB (POST /v1/endpoints)',
    method: 'POST',
    path: '/v1/endpoints',
    auth: 'tenant',
    body: oversized,
    status: 413,
    code: 'payload_too_large',
    message: [`${MB} bytes`],
  },
  {
    name: 'a body over 1 MB (POST /v1/tenants)',
    method: 'POST',
    path: '/v1/tenants',
    auth: 'admin',
    body: oversized,
    status: 413,
    code: 'payload_too_large',
    message: [`${MB} bytes`],
  },
];

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([
    ['POST /v1/endpoints', createEndpointCases],
    ['PATCH /v1/endpoints/{id}', updateEndpointCases],
    ['POST /v1/tenants', tenantCases],
    ['query parameters', queryCases],
    ['forged cursors', forgedCursorCases],
    ['routes and ids', routingCases],
    ['body size', sizeCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });

  it('a chunked body over 1 MB without Content-Length is refused with 413 too', async () => {
    // node:http rather than fetch: the server answers before the upload ends, and fetch reports
    // that as a failed request instead of returning the answer.
    const url = new URL(`${runtime.apiUrl}/v1/endpoints`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${tenant.apiKey}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      let answered = false;
      request.on('response', () => {
        answered = true;
      });
      // Writes after the server has answered and closed may fail; the answer is what counts.
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      request.write('{"url":"http://127.0.0.1/","description":"');
      const chunk = 'a'.repeat(64 * 1024);
      let written = 0;
      const pump = () => {
        while (!answered && written <= 2 * MB) {
          written += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        if (!answered) request.end('"}');
      };
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({
      error: { code: 'payload_too_large', message: expect.stringContaining(`${MB} bytes`) },
    });
  });

  it('a body just under the limit is not refused for its size', async () => {
    // Accepted by the size check, then refused by validation (description over 500 chars).
    const body = `{"url":"http://127.0.0.1/","description":"${'a'.repeat(MB - 100)}"}`;
    const res = await send({ method: 'POST', path: '/v1/endpoints', auth: 'tenant', body });
    expectError(res, { status: 400, code: 'invalid_request', message: ['description:'] });
  });

  it('none of the refused requests changed the endpoint or created anything', async () => {
    const view = await api.call('GET', endpointPath(), tenant.apiKey);
    expect(view.json).toMatchObject({
      id: endpointId,
      url: receiver.url,
      description: 'original',
      enabled: true,
    });
    expect(view.json.filter).toBeNull();
    const [endpoints] = await database.db.query<{ n: number }>(
      'select count(*)::int as n from rowhook.endpoints where tenant_id = $1',
      [tenant.id],
    );
    expect(endpoints?.n).toBe(1);
    const tenants = (await api.call('GET', '/v1/tenants', TEST_ADMIN_TOKEN)).json.items.map(
      (t: { id: string }) => t.id,
    );
    expect(tenants).toEqual(['bad-input']);
  });

  it('a valid request with the same shapes succeeds (the refusals above are about the bad parts)', async () => {
    const res = await api.call('POST', '/v1/endpoints', tenant.apiKey, {
      url: validUrl(),
      description: 'ab',
      eventTypes: ['orders.created', 'orders.*'],
      filter: { data: { amount: [{ numeric: ['>', 1] }] } },
      enabled: false,
    });
    expect(res.status).toBe(201);
    expect((await api.call('DELETE', `/v1/endpoints/${res.json.id}`, tenant.apiKey)).status).toBe(204);
    const page = await api.call('GET', '/v1/endpoints?limit=250', tenant.apiKey);
    expect(page.status).toBe(200);
  });
});

describe('secret rotation', () => {
  it('signs with both the old and the new secret during the overlap', async () => {
    const hook = await new TestReceiver().start();
    try {
      const created = await api.createEndpoint(tenant.apiKey, { url: hook.url });
      const oldSecret = created.secret;

      // Before rotation: one signature, from the only secret.
      expect((await api.call('POST', `/v1/endpoints/${created.id}/test`, tenant.apiKey)).status).toBe(202);
      await expect.poll(() => hook.received.length).toBe(1);
      const first = hook.received[0];
      if (!first) throw new Error('no webhook');
      expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(1);
      new Webhook(oldSecret).verify(first.body, first.headers as Record<string, string>);

      const rotated = await api.call('POST', `/v1/endpoints/${created.id}/rotate-secret`, tenant.apiKey);
      expect(rotated.status).toBe(200);
      const newSecret: string = rotated.json.secret;
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(oldSecret);
      expect(Date.parse(rotated.json.previousSecretsExpireAt)).toBeGreaterThan(Date.now());
      expect((await api.call('GET', `/v1/endpoints/${created.id}/secret`, tenant.apiKey)).json.secret).toBe(
        newSecret,
      );

      expect((await api.call('POST', `/v1/endpoints/${created.id}/test`, tenant.apiKey)).status).toBe(202);
      await expect.poll(() => hook.received.length).toBe(2);
      const second = hook.received[1];
      if (!second) throw new Error('no webhook');
      const signatures = String(second.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(new Set(signatures).size).toBe(2);

      const headers = second.headers as Record<string, string>;
      expect(new Webhook(oldSecret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
      expect(new Webhook(newSecret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
      // A secret the endpoint never had does not verify, so the two checks above mean something.
      expect(() => new Webhook(generateSecret()).verify(second.body, headers)).toThrow();
      // Each secret verifies with its own signature alone.
      for (const [secret, count] of [
        [oldSecret, 1],
        [newSecret, 1],
      ] as const) {
        const matching = signatures.filter((signature) => {
          try {
            new Webhook(secret).verify(second.body, { ...headers, 'webhook-signature': signature });
            return true;
          } catch {
            return false;
          }
        });
        expect(matching).toHaveLength(count);
      }
    } finally {
      await hook.stop();
    }
  });
});
