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

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([['routes and ids', routingCases]] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
