import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../../functions/api/console/consoleRoutes.ts';
import { CONSOLE_CSP } from '../../../functions/api/console/constants.ts';
import { findConsoleDir, loadConsoleFiles } from '../../../functions/api/console/loadConsoleFiles.ts';

let dir: string;
let outside: string;
let app: Hono;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'rowhook-console-'));
  dir = path.join(outside, 'console');
  await mkdir(path.join(dir, 'js', 'views'), { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(dir, 'styles.css'), 'body{}');
  await writeFile(path.join(dir, 'js', 'views', 'x.js'), 'export const x = 1;');
  await writeFile(path.join(dir, 'notes.md'), 'not served');
  await writeFile(path.join(dir, '.env'), 'SECRET=1');
  await writeFile(path.join(outside, 'secret.txt'), 'outside the console folder');
  app = new Hono();
  app.route('/console', consoleRoutes({ dir }));
});

afterAll(() => rm(outside, { recursive: true, force: true }));

describe('consoleRoutes', () => {
  it('redirects /console to /console/ relative to the request, so a path prefix is kept', async () => {
    const res = await app.request('/console');
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('console/');
    expect(new URL(res.headers.get('location') ?? '', 'https://api.example/prod/console').pathname).toBe(
      '/prod/console/',
    );
  });

  it('serves index.html at /console/ and each file with its content type and a strict CSP', async () => {
    const index = await app.request('/console/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>t</title>');
    expect(index.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await app.request('/console/js/views/x.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('export const x = 1;');
    expect((await app.request('/console/styles.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('answers 404 JSON for unknown types, dot files and anything outside the folder', async () => {
    for (const requested of [
      '/console/notes.md',
      '/console/.env',
      '/console/missing.js',
      '/console/../secret.txt',
      '/console/..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/js/..%2f..%2fsecret.txt',
      '/console/%2e%2e%2f%2e%2e%2fsecret.txt',
    ]) {
      const res = await app.request(requested);
      expect(res.status, requested).toBe(404);
      const text = await res.text();
      expect(text, requested).not.toContain('outside the console folder');
      expect(text, requested).not.toContain('SECRET');
    }
    const res = await app.request('/console/notes.md');
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'the console has no file "notes.md"' },
    });
  });

  it('serves a file added after the first request, and says so when the folder is missing', async () => {
    expect((await app.request('/console/late.js')).status).toBe(404);
    await writeFile(path.join(dir, 'late.js'), 'export {};');
    expect((await app.request('/console/late.js')).status).toBe(200);

    const missing = new Hono();
    missing.route('/console', consoleRoutes({ dir: path.join(outside, 'nowhere') }));
    const res = await missing.request('/console/');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe('the console files are not installed with this API');
  });

  it('finds the real console folder from source and serves every file of it', () => {
    const found = findConsoleDir();
    expect(found && path.basename(found)).toBe('console');
    const files = loadConsoleFiles(found ?? '');
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['index.html', 'styles.css', 'js/app.js', 'js/shared/redriveAllMatching.js']),
    );
    // The shared loop's types are for the CLI's compiler, not for the browser.
    expect([...files.keys()].filter((name) => name.endsWith('.ts'))).toEqual([]);
    expect(findConsoleDir([path.join(outside, 'nowhere')])).toBeUndefined();
  });
});
