import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { apiClient, startTestRuntime, TEST_ADMIN_TOKEN } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

/** Shared by badInput.*.test.ts and rotateSecret.test.ts: the setup, one raw request, the error check. */

export interface BadInputHarness {
  database: TestDatabase;
  runtime: LocalRuntime;
  api: ReturnType<typeof apiClient>;
  tenant: { id: string; apiKey: string };
  endpointId: string;
  receiver: TestReceiver;
  /** {@link send} with this file's runtime and tenant. */
  send: (c: Pick<Case, 'method' | 'path' | 'auth' | 'body' | 'contentType'>) => ReturnType<typeof send>;
  /** The path of the endpoint created in beforeAll. */
  endpointPath: () => string;
}

/**
 * For a test file: its own database and runtime, a tenant "bad-input", a receiver and one endpoint on
 * it (description "original"), all torn down after the file. The fields are set in beforeAll.
 */
export function useBadInputRuntime(): BadInputHarness {
  const harness = {
    send: (c) => send(harness, c),
    endpointPath: () => `/v1/endpoints/${harness.endpointId}`,
  } as BadInputHarness;

  beforeAll(async () => {
    harness.database = await createTestDatabase();
    harness.runtime = await startTestRuntime(harness.database.url);
    harness.api = apiClient(harness.runtime.apiUrl);
    harness.tenant = await harness.api.createTenant('bad-input');
    harness.receiver = await new TestReceiver().start();
    harness.endpointId = (
      await harness.api.createEndpoint(harness.tenant.apiKey, {
        url: harness.receiver.url,
        description: 'original',
      })
    ).id;
  });

  afterAll(async () => {
    await harness.receiver?.stop();
    await harness.runtime?.stop();
    await harness.database?.drop();
  });

  return harness;
}

export const json = (value: unknown) => JSON.stringify(value);

export interface Case {
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
export async function send(
  target: Pick<BadInputHarness, 'runtime' | 'tenant'>,
  c: Pick<Case, 'method' | 'path' | 'auth' | 'body' | 'contentType'>,
) {
  const url = new URL(`${target.runtime.apiUrl}${typeof c.path === 'function' ? c.path() : c.path}`);
  const headers: Record<string, string> = {
    authorization: `Bearer ${c.auth === 'admin' ? TEST_ADMIN_TOKEN : target.tenant.apiKey}`,
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

export function expectError(
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
