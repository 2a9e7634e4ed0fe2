import { describe, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** POST /v1/tenants: duplicate and malformed ids, names, tiers. */

const { send } = useBadInputRuntime();

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

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([['POST /v1/tenants', tenantCases]] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
