import { describe, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** Custom headers, receiver auth, retry schedule and timeout that cannot be used: a 400 naming them. */

const harness = useBadInputRuntime();
const { send } = harness;
const URL = 'http://127.0.0.1:9/hooks';

const create = (
  name: string,
  body: Record<string, unknown>,
  code: string,
  message: (string | RegExp)[],
): Case => ({
  name,
  method: 'POST',
  path: '/v1/endpoints',
  auth: 'tenant',
  body: json({ url: URL, ...body }),
  status: 400,
  code,
  message,
});
const header = (name: string, value = 'v') => ({ headers: [{ name, value }] });

const headerCases: Case[] = [
  create('a header name with a space', header('X Bad'), 'invalid_receiver_option', [
    'headers[0].name',
    'not an HTTP header name',
  ]),
  create('a header value with CR LF', header('X-Ok', 'a\r\nX-Injected: 1'), 'invalid_receiver_option', [
    'headers[0].value',
    'CR, LF',
  ]),
  create('webhook-signature', header('Webhook-Signature'), 'invalid_receiver_option', ['Standard Webhooks']),
  create('webhook-id', header('webhook-id'), 'invalid_receiver_option', ['reserved']),
  create('host', header('Host'), 'invalid_receiver_option', ['"Host"', 'endpoint URL']),
  create('content-length', header('Content-Length', '5'), 'invalid_receiver_option', ['set from the body']),
  create('content-type', header('Content-Type', 'text/plain'), 'invalid_receiver_option', [
    'application/json',
  ]),
  create('transfer-encoding', header('Transfer-Encoding', 'chunked'), 'invalid_receiver_option', [
    'hop-by-hop',
  ]),
  create('connection', header('Connection', 'close'), 'invalid_receiver_option', ['hop-by-hop']),
  create('proxy-authorization', header('Proxy-Authorization', 'x'), 'invalid_receiver_option', [
    'hop-by-hop',
  ]),
  create('upgrade', header('Upgrade', 'h2c'), 'invalid_receiver_option', ['hop-by-hop']),
  create(
    'the same header twice',
    {
      headers: [
        { name: 'X-A', value: '1' },
        { name: 'x-a', value: '2' },
      ],
    },
    'invalid_receiver_option',
    ['headers[1].name', 'twice'],
  ),
  create(
    '21 headers',
    { headers: Array.from({ length: 21 }, (_, i) => ({ name: `X-H${i}`, value: 'v' })) },
    'invalid_request',
    ['headers', '20'],
  ),
  create('a 5000-byte value', header('X-Big', 'x'.repeat(5000)), 'invalid_request', ['headers']),
  create(
    'Authorization with receiverAuth',
    { ...header('Authorization', 'Token a'), receiverAuth: { type: 'bearer', token: 't' } },
    'invalid_receiver_option',
    ['receiverAuth', 'Authorization'],
  ),
  create(
    'a secret header without value',
    { headers: [{ name: 'X-Key', secret: true }] },
    'invalid_receiver_option',
    ['headers[0].value is required'],
  ),
];

const authCases: Case[] = [
  create('an unknown auth type', { receiverAuth: { type: 'digest' } }, 'invalid_request', [
    'none',
    'basic',
    'bearer',
    'oauth2',
  ]),
  create(
    'basic without password',
    { receiverAuth: { type: 'basic', username: 'u' } },
    'invalid_receiver_option',
    ['receiverAuth.password is required'],
  ),
  create(
    'basic username with a colon',
    { receiverAuth: { type: 'basic', username: 'a:b', password: 'p' } },
    'invalid_request',
    ['RFC 7617'],
  ),
  create('bearer without token', { receiverAuth: { type: 'bearer' } }, 'invalid_receiver_option', [
    'receiverAuth.token is required',
  ]),
  create(
    'a bearer token with a newline',
    { receiverAuth: { type: 'bearer', token: 'a\nb' } },
    'invalid_receiver_option',
    ['CR, LF'],
  ),
  create(
    'oauth2 token URL to a blocked address',
    {
      receiverAuth: {
        type: 'oauth2',
        tokenUrl: 'http://169.254.169.254/token',
        clientId: 'c',
        clientSecret: 's',
      },
    },
    'invalid_receiver_option',
    ['receiverAuth.tokenUrl', '169.254.169.254'],
  ),
  create(
    'oauth2 token URL that is not a URL',
    { receiverAuth: { type: 'oauth2', tokenUrl: 'token', clientId: 'c', clientSecret: 's' } },
    'invalid_receiver_option',
    ['receiverAuth.tokenUrl'],
  ),
  create(
    'oauth2 extraParams overriding grant_type',
    {
      receiverAuth: {
        type: 'oauth2',
        tokenUrl: 'http://127.0.0.1:9/token',
        clientId: 'c',
        clientSecret: 's',
        extraParams: { grant_type: 'password' },
      },
    },
    'invalid_receiver_option',
    ['extraParams.grant_type', 'set by Rowhook'],
  ),
  create(
    'oauth2 without client secret',
    { receiverAuth: { type: 'oauth2', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'c' } },
    'invalid_receiver_option',
    ['receiverAuth.clientSecret is required'],
  ),
  create(
    'receiverAuth together with the API destination auth',
    {
      auth: { type: 'BASIC', username: 'u' },
      authSecret: 'p',
      receiverAuth: { type: 'bearer', token: 't' },
    },
    'invalid_receiver_option',
    ['auth: null'],
  ),
  create(
    'a client certificate that is not PEM',
    { clientCertificate: { certificate: 'nope', privateKey: 'nope' } },
    'invalid_receiver_option',
    ['clientCertificate.certificate', 'PEM'],
  ),
];

const policyCases: Case[] = [
  create('timeout below 1 s', { timeoutMs: 500 }, 'invalid_request', ['timeoutMs', '1000', '30000']),
  create('timeout above 30 s', { timeoutMs: 60_000 }, 'invalid_request', ['timeoutMs', '30000']),
  create('a retry schedule with a bad unit', { retrySchedule: '5s,10y' }, 'invalid_receiver_option', [
    'retrySchedule',
    '"10y"',
  ]),
  create('a retry wait over 7 days', { retrySchedule: '8d' }, 'invalid_receiver_option', [
    'retrySchedule',
    '7d',
  ]),
  {
    name: 'PATCH: a secret header kept without one stored',
    method: 'PATCH',
    path: () => harness.endpointPath(),
    auth: 'tenant',
    body: json({ headers: [{ name: 'X-New', secret: true }] }),
    status: 400,
    code: 'invalid_receiver_option',
    message: ['headers[0].value is required', 'no secret value is stored'],
  },
  {
    name: 'PATCH: bearer auth without its token',
    method: 'PATCH',
    path: () => harness.endpointPath(),
    auth: 'tenant',
    body: json({ receiverAuth: { type: 'bearer' } }),
    status: 400,
    code: 'invalid_receiver_option',
    message: ['receiverAuth.token is required'],
  },
];

describe('bad receiver options get a 4xx with a message naming the problem', () => {
  describe.each([
    ['custom headers', headerCases],
    ['receiver auth', authCases],
    ['timeout and retry schedule', policyCases],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async (c) => {
      expectError(await send(c), c);
    });
  });
});
