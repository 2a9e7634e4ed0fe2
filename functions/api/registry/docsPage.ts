import type { openApiDocument } from './openApiDocument.ts';

type Document = ReturnType<typeof openApiDocument>;

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  security: readonly Record<string, unknown>[];
  parameters?: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An id attribute may not contain spaces: `Dead letters` → `tag-dead-letters`. */
const anchor = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

const who = (security: Operation['security']) => {
  const names = security.flatMap((s) => Object.keys(s));
  if (names.length === 0) return 'no credentials';
  return names.map((n) => (n === 'adminToken' ? 'admin token' : 'tenant API key')).join(' or ');
};

/**
 * A self-contained page (no scripts, no network) listing every operation of the document, grouped
 * by tag, with parameters, body schema and answers: readable without any tooling.
 */
export function docsPage(document: Document): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})${p.description ? ` — ${escapeHtml(p.description)}` : ''}</li>`,
        )
        .join('');
      const body = op.requestBody?.content['application/json']?.schema;
      const responses = Object.entries(op.responses)
        .map(([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description)}</li>`)
        .join('');
      const section = `<section id="${id}" aria-labelledby="${id}-h">
<h3 id="${id}-h"><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.description ? ` ${escapeHtml(op.description)}` : ''}</p>
<p class="auth">Authorization: ${who(op.security)}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
${body ? `<details><summary>Request body schema</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
      const tag = op.tags[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), section]);
    }
  }
  const toc = [...byTag.keys()]
    .map((tag) => `<li><a href="#${anchor(tag)}">${escapeHtml(tag)}</a></li>`)
    .join('');
  const groups = [...byTag.entries()]
    .map(([tag, sections]) => `<h2 id="${anchor(tag)}">${escapeHtml(tag)}</h2>${sections.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.5rem;overflow:auto}
section{border-top:1px solid #ccc;padding:.5rem 0}.method{font-weight:700}.auth{color:#444}
a{color:#0645ad}
</style></head>
<body><main>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)}).</p>
<nav aria-label="Sections"><ul>${toc}</ul></nav>
${groups}
</main></body></html>`;
}
