import { describe, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** POST /v1/endpoints with a URL that is malformed, of the wrong scheme or to a blocked address. */

const { send } = useBadInputRuntime();

const createEndpointCases: Case[] = [
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
];

describe('bad input gets a 4xx with a message naming the problem', () => {
  describe.each([['POST /v1/endpoints', createEndpointCases]] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
