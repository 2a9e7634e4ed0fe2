import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';

/**
 * GET /metrics: the Prometheus text exposition (names, labels and meaning in docs/metrics.md).
 * Operator-only by default, since dead-letter counts name tenants: Prometheus sends the admin token
 * as a Bearer token (`authorization.credentials_file`). ROWHOOK_METRICS_PUBLIC=true drops the check
 * for scrapers on a private network. A deployment without an exposition (the API Lambda, whose
 * metrics go to CloudWatch) answers 404.
 */
export function metricsRoutes(router: ApiRouter, deps: Pick<ApiDependencies, 'metrics'>) {
  const metrics = deps.metrics;
  router.add(
    {
      method: 'get',
      path: '/metrics',
      tag: 'Meta',
      summary:
        'Prometheus metrics: outbox lag, queue depth, deliveries by outcome, attempt latency, dead letters',
      description:
        'Prometheus text format 0.0.4. Needs the admin token unless the runtime runs with ' +
        'ROWHOOK_METRICS_PUBLIC=true. Not served on AWS, where the same metric names are in CloudWatch.',
      auth: metrics?.public ? 'none' : 'admin',
      responses: { 200: { description: 'The exposition', contentType: 'text/plain; version=0.0.4' } },
    },
    async (c) => {
      if (!metrics) {
        throw new ApiError(
          404,
          'not_found',
          'this deployment serves no /metrics: its metrics are in CloudWatch (namespace Rowhook), see docs/metrics.md',
        );
      }
      const body = await metrics.exposition.render();
      return c.body(body, 200, {
        'Content-Type': metrics.exposition.contentType,
        'Cache-Control': 'no-store',
      });
    },
  );
}
