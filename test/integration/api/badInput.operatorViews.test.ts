import { describe, expect, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** The attempt tail, the paged tenant list, operator endpoint views and failed events. */

const harness = useBadInputRuntime();
const { send } = harness;
const viewPath =
  (suffix = '') =>
  () =>
    `/v1/tenants/${harness.tenant.id}/endpoints/${harness.endpointId}${suffix}`;
const forged = Buffer.from(JSON.stringify(['not-a-number'])).toString('base64url');

const tailCases: Case[] = [
  {
    name: 'tail cursor that was never issued',
    method: 'GET',
    path: '/v1/attempts?after=garbage',
    auth: 'tenant',
    status: 400,
    code: 'invalid_cursor',
    message: ['nextCursor'],
  },
  {
    name: 'tail cursor with a forged position',
    method: 'GET',
    path: `/v1/attempts?after=${forged}`,
    auth: 'admin',
    status: 400,
    code: 'invalid_cursor',
    message: ['nextCursor'],
  },
  ...['0', '101', 'ten'].map(
    (limit): Case => ({
      name: `tail limit ${limit}`,
      method: 'GET',
      path: `/v1/attempts?limit=${limit}`,
      auth: 'tenant',
      status: 400,
      code: 'invalid_query',
      message: ['limit'],
    }),
  ),
  {
    name: 'tail with a misspelt filter',
    method: 'GET',
    path: '/v1/attempts?endpoint=ep_1',
    auth: 'tenant',
    status: 400,
    code: 'invalid_query',
    message: ['unknown field', '"endpoint"'],
  },
];

const tenantCases: Case[] = [
  {
    name: 'tenant list cursor that was never issued',
    method: 'GET',
    path: '/v1/tenants?cursor=%%%',
    auth: 'admin',
    status: 400,
    code: 'invalid_cursor',
    message: ['nextCursor'],
  },
  {
    name: 'tenant list limit 0',
    method: 'GET',
    path: '/v1/tenants?limit=0',
    auth: 'admin',
    status: 400,
    code: 'invalid_query',
    message: ['limit'],
  },
  {
    name: 'endpoints of an unknown tenant',
    method: 'GET',
    path: '/v1/tenants/nobody/endpoints',
    auth: 'admin',
    status: 404,
    code: 'not_found',
    message: ['tenant "nobody" not found'],
  },
  {
    name: 'operator endpoint list with a bad limit',
    method: 'GET',
    path: () => `/v1/tenants/${harness.tenant.id}/endpoints?limit=x`,
    auth: 'admin',
    status: 400,
    code: 'invalid_query',
    message: ['limit'],
  },
  {
    name: 'disable with an empty reason',
    method: 'POST',
    path: viewPath('/disable'),
    auth: 'admin',
    body: json({ reason: '  ' }),
    status: 400,
    code: 'invalid_request',
    message: ['reason', 'must not be empty'],
  },
  {
    name: 'enable with an unknown field',
    method: 'POST',
    path: viewPath('/enable'),
    auth: 'admin',
    body: json({ enabled: true }),
    status: 400,
    code: 'invalid_request',
    message: ['unknown field', '"enabled"'],
  },
  {
    name: 'disable with a body that is not JSON',
    method: 'POST',
    path: viewPath('/disable'),
    auth: 'admin',
    body: 'reason=x',
    contentType: 'text/plain',
    status: 415,
    code: 'unsupported_media_type',
    message: ['application/json'],
  },
  {
    name: 'disable an unknown endpoint',
    method: 'POST',
    path: () => `/v1/tenants/${harness.tenant.id}/endpoints/ep_nope/disable`,
    auth: 'admin',
    status: 404,
    code: 'not_found',
    message: ['endpoint "ep_nope" not found'],
  },
  {
    name: 'failed events cursor that was never issued',
    method: 'GET',
    path: '/v1/events/failed?cursor=abc',
    auth: 'admin',
    status: 400,
    code: 'invalid_cursor',
    message: ['cursor'],
  },
  {
    name: 'failed events with an empty tenant',
    method: 'GET',
    path: '/v1/events/failed?tenantId=',
    auth: 'admin',
    status: 400,
    code: 'invalid_query',
    message: ['tenantId'],
  },
];

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([
    ['attempt tail', tailCases],
    ['tenants, endpoint views and failed events', tenantCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });

  it('left the endpoint enabled after the refused state changes', async () => {
    const res = await send({ method: 'GET', path: harness.endpointPath(), auth: 'tenant' });
    expect(res.body).toMatchObject({ enabled: true, disabledReason: null });
  });
});
