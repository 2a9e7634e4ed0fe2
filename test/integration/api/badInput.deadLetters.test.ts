import { describe, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** /v1/dead-letters: malformed and unknown ids, redrive filters, list filters. */

const { send } = useBadInputRuntime();

const routingCases: Case[] = [
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

const list = (query: string): Pick<Case, 'method' | 'path' | 'auth'> => ({
  method: 'GET',
  path: `/v1/dead-letters${query}`,
  auth: 'admin',
});
const redrive = (body: unknown): Pick<Case, 'method' | 'path' | 'auth' | 'body'> => ({
  method: 'POST',
  path: '/v1/dead-letters/redrive',
  auth: 'admin',
  body: json(body),
});
const INVALID_QUERY = { status: 400, code: 'invalid_query' } as const;
const INVALID_REQUEST = { status: 400, code: 'invalid_request' } as const;

const filterCases: Case[] = [
  {
    name: 'failure class with spaces and capitals',
    ...list('?errorClass=HTTP%20500'),
    ...INVALID_QUERY,
    message: ['errorClass', 'failure class like "http_500"'],
  },
  {
    name: 'from that is not a time',
    ...list('?from=yesterday'),
    ...INVALID_QUERY,
    message: ['from', 'ISO-8601'],
  },
  {
    name: 'from after to',
    ...list('?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'),
    ...INVALID_QUERY,
    message: ['from must be earlier than to'],
  },
  {
    name: 'summary with a paging parameter it does not take',
    method: 'GET',
    path: '/v1/dead-letters/summary?limit=5',
    auth: 'admin',
    ...INVALID_QUERY,
    message: ['unknown field', '"limit"'],
  },
  {
    name: 'summary with a bad to',
    method: 'GET',
    path: '/v1/dead-letters/summary?to=2026-13-01',
    auth: 'admin',
    ...INVALID_QUERY,
    message: ['to', 'ISO-8601'],
  },
  {
    name: 'list cursor that was never issued',
    ...list('?cursor=bm9wZQ'),
    status: 400,
    code: 'invalid_cursor',
    message: ['cursor'],
  },
  {
    name: 'redrive with no ids listed',
    ...redrive({ ids: [] }),
    ...INVALID_REQUEST,
    message: ['ids', 'at least one id'],
  },
  {
    name: 'redrive of an id that is not a dead-letter id',
    ...redrive({ ids: ['evt_0123'] }),
    ...INVALID_REQUEST,
    message: ['ids.0', 'dead-letter id'],
  },
  {
    name: 'redrive of more than 100 ids',
    ...redrive({ ids: Array.from({ length: 101 }, (_, i) => `dlv_${String(i).padStart(32, '0')}`) }),
    ...INVALID_REQUEST,
    message: ['ids', 'at most 100'],
  },
  ...[0, 1001, 2.5, '10'].map(
    (limit): Case => ({
      name: `redrive limit ${JSON.stringify(limit)}`,
      ...redrive({ limit }),
      ...INVALID_REQUEST,
      message: ['limit', '1 to 1000'],
    }),
  ),
  { name: 'redrive from as a number', ...redrive({ from: 12 }), ...INVALID_REQUEST, message: ['from'] },
  {
    name: 'redrive with from after to',
    ...redrive({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
    ...INVALID_REQUEST,
    message: ['from must be earlier than to'],
  },
];

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([
    ['routes and ids', routingCases],
    ['filters, ranges, ids and limits', filterCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
