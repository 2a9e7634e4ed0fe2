import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type Case, expectError, json, useBadInputRuntime } from './badInputSupport.ts';

/** Below the routes' own validation: invalid JSON, content types, unknown routes, body size. */

const harness = useBadInputRuntime();
const { send, endpointPath } = harness;

const MB = 1024 * 1024;

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
];

const updateEndpointCases: Case[] = [
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
    const url = new URL(`${harness.runtime.apiUrl}/v1/endpoints`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${harness.tenant.apiKey}`,
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
});
