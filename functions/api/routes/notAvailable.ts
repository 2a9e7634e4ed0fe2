import { HTTPException } from 'hono/http-exception';

/**
 * Thrown by a route whose store this deployment does not wire (the AWS API keeps no portal
 * sessions or attempt statistics): 501 with a message naming the feature, never a 500.
 */
export function notAvailable(feature: string): never {
  throw new HTTPException(501, {
    message: `${feature} is served by the local runtime only; this deployment does not offer it (see docs/deploy.md)`,
  });
}
