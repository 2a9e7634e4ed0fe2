import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { z } from 'zod';
import { readAdminToken } from '../adapters/aws/readAdminToken.ts';
import { resolveHostWithin } from '../adapters/dns/resolveHostWithin.ts';
import type { ApiDependencies } from '../api/ApiDependencies.ts';
import { hashSecret } from '../api/auth.ts';
import { createApp } from '../api/createApp.ts';
import { AddressPolicy, parseNetworkList } from '../core/network/AddressPolicy.ts';
import { arn, ENV, integer, loadEnv } from './config.ts';
import { createObservability, type HandlerMetrics, MetricUnit } from './observability.ts';
import { deadLetters } from './wiring/deadLetters.ts';
import { deliveryLog } from './wiring/deliveryLog.ts';
import { eventFeed } from './wiring/eventFeed.ts';
import { events } from './wiring/events.ts';
import { failedEvents } from './wiring/failedEvents.ts';
import { operationalEvents } from './wiring/health.ts';
import { tenantScopedOutbox } from './wiring/outbox.ts';
import { recoveries } from './wiring/recoveries.ts';
import { secretStore, secretsManagerClient } from './wiring/secrets.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';
import { tenantData } from './wiring/tenantData.ts';

/**
 * The same Hono app as `npm start`, behind API Gateway (HTTP API, payload v2). With `metrics`,
 * every request also emits the request metrics (see withRequestMetrics).
 */
export function createApiHandler(deps: ApiDependencies, metrics?: HandlerMetrics) {
  const handler = handle(createApp(deps));
  return metrics ? withRequestMetrics(handler, metrics) : handler;
}

/** Per request: one ApiRequest, Api5xx 1 or 0 (its average is the 5xx rate), and ApiLatency. */
export const API_METRICS = { requests: 'ApiRequest', serverErrors: 'Api5xx', latency: 'ApiLatency' } as const;

/**
 * Wraps a Lambda HTTP handler (the app is left as it is) to count each invocation and its 5xx
 * answers (a throw counts as one: API Gateway answers 500), publishing after every request.
 */
export function withRequestMetrics<H extends (...args: never[]) => Promise<{ statusCode: number }>>(
  handler: H,
  metrics: HandlerMetrics,
  now: () => number = () => performance.now(),
): H {
  const wrapped = async (...args: Parameters<H>) => {
    const started = now();
    let status = 500;
    try {
      const result = await handler(...args);
      status = result.statusCode;
      return result;
    } finally {
      metrics.addMetric(API_METRICS.requests, MetricUnit.Count, 1);
      metrics.addMetric(API_METRICS.serverErrors, MetricUnit.Count, status >= 500 ? 1 : 0);
      metrics.addMetric(API_METRICS.latency, MetricUnit.Milliseconds, now() - started);
      metrics.publishStoredMetrics();
    }
  };
  return wrapped as unknown as H;
}

const { logger, metrics } = createObservability('rowhook-api');

let cached: Promise<ReturnType<typeof createApiHandler>> | undefined;

async function wire() {
  const env = loadEnv({
    [ENV.adminTokenSecretArn]: arn,
    [ENV.secretOverlapMs]: integer(24 * 3_600_000, 0, 30 * 86_400_000),
    [ENV.allowedNetworks]: z.string().default(''),
  });
  return createApiHandler({
    subscriptions: subscriptionStore(),
    secrets: secretStore(),
    deadLetters: deadLetters(),
    deliveryLog: deliveryLog(),
    operationalEvents: operationalEvents(),
    failedEvents: failedEvents(),
    outbox: tenantScopedOutbox(),
    events: events(),
    eventFeed: eventFeed(),
    tenantData: tenantData(),
    // Jobs are run by the recover function's schedule (every minute): nothing to wake here.
    recoveries: { store: recoveries(), onStarted: () => {} },
    adminTokenHash: hashSecret(await readAdminToken(secretsManagerClient(), env[ENV.adminTokenSecretArn])),
    addressPolicy: new AddressPolicy(parseNetworkList(env[ENV.allowedNetworks])),
    resolveHost: resolveHostWithin(2_000),
    requireHttps: true,
    // Per-key endpoints go through the FIFO delivery queue (docs/deploy.md, "Ordering per key on AWS").
    perKeyOrdering: true,
    secretOverlapMs: env[ENV.secretOverlapMs],
    // rowhook.append_event queues the same commit-time nudge as a capture: Aurora wakes the relay.
    onOutboxWrite: () => {},
    log: (entry) => logger.info(String(entry.msg ?? 'api'), { entry: JSON.stringify(entry) }),
  });
}

type ApiEvent = Parameters<ReturnType<typeof createApiHandler>>[0];

// Metrics wrap the whole invocation, so a failed cold start (wiring) also counts as a 5xx.
export const handler = withRequestMetrics(async (event: ApiEvent, context: Context) => {
  cached ??= wire().catch((error: unknown) => {
    cached = undefined; // a failed cold start (secret not readable yet) is retried on the next request
    throw error;
  });
  return (await cached)(event, context);
}, metrics);
