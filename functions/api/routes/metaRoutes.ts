import { z } from 'zod';
import type { ApiDependencies } from '../ApiDependencies.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { docsPage } from '../registry/docsPage.ts';
import { openApiDocument } from '../registry/openApiDocument.ts';
import { openApiWebhooks } from '../registry/openApiWebhooks.ts';

/** Liveness and the API's own description. The document is built on first request, once every route is added. */
export function metaRoutes(router: ApiRouter, deps?: Pick<ApiDependencies, 'events'>) {
  let document: ReturnType<typeof openApiDocument> | undefined;
  const describe = () => {
    document ??= openApiDocument(router.specs);
    return document;
  };

  router.add(
    {
      method: 'get',
      path: '/health',
      tag: 'Meta',
      summary: 'Liveness: the process answers',
      auth: 'none',
      responses: { 200: { description: 'Up', schema: z.object({ ok: z.literal(true) }) } },
    },
    (c) => c.json({ ok: true as const }),
  );

  router.add(
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'Meta',
      summary: 'This API as an OpenAPI 3.1 document',
      auth: 'none',
      responses: {
        200: { description: 'The document', schema: z.record(z.string(), z.unknown()) },
      },
    },
    // The event types change with the tracked tables, so `webhooks` is read on every request.
    async (c) =>
      c.json(
        deps?.events
          ? { ...describe(), webhooks: openApiWebhooks(await deps.events.list(null)) }
          : describe(),
      ),
  );

  router.add(
    {
      method: 'get',
      path: '/docs',
      tag: 'Meta',
      summary: 'Human-readable API reference (self-contained HTML)',
      auth: 'none',
      responses: { 200: { description: 'The page', contentType: 'text/html' } },
    },
    (c) => c.html(docsPage(describe())),
  );
}
