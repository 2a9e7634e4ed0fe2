import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../../functions/api/createApp.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/**
 * The OpenAPI document is generated from the route registry: every route Hono serves must be in it
 * (and nothing else), and real answers must match the response schemas it publishes.
 */

/** Served by the app but not JSON API operations: the static console and tenant portal. */
const UNDOCUMENTED = new Set(['GET /console', 'GET /console/*', 'GET /portal', 'GET /portal/*']);

const harness = useTestRuntime();

type Operation = {
  summary: string;
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function fetchDocument(): Promise<Document> {
  const res = await fetch(`${harness.runtime.apiUrl}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Document;
}

/** The app's own routes, as Hono registered them (middleware entries are method ALL). */
function registeredRoutes(): string[] {
  // Deps are only read when a request comes in: listing routes needs none of them to work.
  const app = createApp({ adminTokenHash: Buffer.alloc(32), log: () => {} } as never);
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  return [...new Set(routes)].filter((r) => !UNDOCUMENTED.has(r.replace(/\{(\w+)\}/g, ':$1'))).sort();
}

const documented = (doc: Document) =>
  Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

describe('GET /openapi.json', () => {
  it('documents exactly the routes the app serves', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    const routes = registeredRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(documented(doc)).toEqual(routes);
  });

  it('describes each operation: summary, who may call it, path parameters and answers', async () => {
    const doc = await fetchDocument();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(op.summary, name).toEqual(expect.any(String));
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          name,
        ).toEqual(pathParams);
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('2')),
          name,
        ).toBe(true);
        if (path.startsWith('/v1/')) expect(op.security.length, name).toBeGreaterThan(0);
      }
    }
    expect(doc.paths['/v1/dead-letters']?.get?.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/v1/endpoints']?.post?.security).toEqual([{ tenantKey: [] }]);
    expect(doc.paths['/v1/attempts']?.get?.security).toEqual([{ adminToken: [] }, { tenantKey: [] }]);
    const listQuery = doc.paths['/v1/dead-letters']?.get?.parameters?.map((p) => p.name);
    expect(listQuery).toEqual(
      expect.arrayContaining([
        'tenantId',
        'endpointId',
        'eventType',
        'errorClass',
        'from',
        'to',
        'limit',
        'cursor',
      ]),
    );
  });

  it('publishes response schemas that real answers satisfy', async () => {
    const doc = await fetchDocument();
    const tenant = await harness.api.createTenant('openapi-check');
    const receiver = await new TestReceiver().start();
    receiver.respondWithStatuses(500);
    try {
      const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
      await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
      let deadLetterId = '';
      await expect
        .poll(
          async () => {
            const list = await harness.api.call('GET', '/v1/dead-letters', TEST_ADMIN_TOKEN);
            deadLetterId = list.json.items[0]?.id ?? '';
            return deadLetterId;
          },
          { timeout: 15_000 },
        )
        .not.toBe('');

      const checks: [string, string, string, string][] = [
        ['/v1/tenants', '/v1/tenants', TEST_ADMIN_TOKEN, '200'],
        ['/v1/tenants/{id}', `/v1/tenants/${tenant.id}`, TEST_ADMIN_TOKEN, '200'],
        ['/v1/tenants/{tenantId}/endpoints', `/v1/tenants/${tenant.id}/endpoints`, TEST_ADMIN_TOKEN, '200'],
        ['/v1/endpoints', '/v1/endpoints', tenant.apiKey, '200'],
        ['/v1/endpoints/{id}', `/v1/endpoints/${endpoint.id}`, tenant.apiKey, '200'],
        ['/v1/endpoints/{id}/deliveries', `/v1/endpoints/${endpoint.id}/deliveries`, tenant.apiKey, '200'],
        ['/v1/dead-letters', '/v1/dead-letters', TEST_ADMIN_TOKEN, '200'],
        ['/v1/dead-letters/summary', '/v1/dead-letters/summary', TEST_ADMIN_TOKEN, '200'],
        ['/v1/dead-letters/{id}', `/v1/dead-letters/${deadLetterId}`, TEST_ADMIN_TOKEN, '200'],
        ['/v1/attempts', '/v1/attempts', tenant.apiKey, '200'],
        ['/v1/events/failed', '/v1/events/failed', TEST_ADMIN_TOKEN, '200'],
      ];
      for (const [template, path, token, status] of checks) {
        const res = await harness.api.call('GET', path, token);
        expect(res.status, path).toBe(Number(status));
        const schema = doc.paths[template]?.get?.responses[status]?.content?.['application/json']?.schema;
        expect(schema, template).toBeDefined();
        const parsed = z.fromJSONSchema(schema as never).safeParse(res.json);
        expect(parsed.error?.issues, `${path} does not match the documented schema`).toBeUndefined();
      }
    } finally {
      await receiver.stop();
    }
  });
});

describe('GET /docs', () => {
  it('is a self-contained page listing every operation', async () => {
    const res = await fetch(`${harness.runtime.apiUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const operation of documented(await fetchDocument())) {
      const [method, path] = operation.split(' ') as [string, string];
      expect(html, operation).toContain(`<span class="method">${method}</span> <code>${path}</code>`);
    }
    // Nothing fetched from elsewhere: no scripts, no external styles or images.
    expect(html).not.toMatch(/<script|src=|<link|https?:\/\//);
  });
});
