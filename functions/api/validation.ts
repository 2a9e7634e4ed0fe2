import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : where;
      if (issue.code === 'unrecognized_keys')
        return `${path === where ? where : path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'send the body as JSON with "Content-Type: application/json"',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new ApiError(400, 'invalid_request', describeIssues(result.error, 'body'));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw new ApiError(400, 'invalid_query', describeIssues(result.error, 'query'));
  return result.data;
}
