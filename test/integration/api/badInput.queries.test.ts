import { describe, it } from 'vitest';
import { type Case, expectError, useBadInputRuntime } from './badInputSupport.ts';

/** The list routes' query parameters: limit and cursor, malformed or forged. */

const { send, endpointPath } = useBadInputRuntime();

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([
    ['query parameters', queryCases],
    ['forged cursors', forgedCursorCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
