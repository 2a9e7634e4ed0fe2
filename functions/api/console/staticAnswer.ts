import { readFile } from 'node:fs/promises';
import type { Context } from 'hono';
import type { ConsoleFile } from './loadConsoleFiles.ts';

/** A listed file with these headers, or a JSON 404 saying what is missing (console and portal alike). */
export async function staticAnswer(
  c: Context,
  files: Map<string, ConsoleFile> | undefined,
  name: string,
  headers: Record<string, string>,
  what: string,
): Promise<Response> {
  const file = files?.get(name);
  if (!file) {
    const message = files
      ? `the ${what} has no file "${name}"`
      : `the ${what} files are not installed with this API`;
    return c.json({ error: { code: 'not_found', message } }, 404);
  }
  return c.body(new Uint8Array(await readFile(file.path)), 200, {
    ...headers,
    'Content-Type': file.contentType,
  });
}
