import type { Context } from 'hono';

/**
 * The answer of a route whose store this deployment does not wire (the AWS API keeps no portal
 * sessions or attempt statistics): 501 naming the feature. Answered, not thrown, so the expected
 * refusal is not logged as a failed request.
 */
export function notAvailable(c: Context, feature: string): Response {
  return c.json(
    {
      error: {
        code: 'not_implemented',
        message: `${feature} is served by the local runtime only; this deployment does not offer it (see docs/deploy.md)`,
      },
    },
    501,
  );
}
