import { run } from 'graphile-worker';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { BASELINE_CONFIGURATIONS, type BaselineMode } from './configurations.ts';

// The baseline: what a team builds without Rowhook — a graphile-worker job per delivery, enqueued
// by a trigger in the writer's transaction, and a task that signs (Standard Webhooks) and POSTs
// with undici.
interface DeliverPayload {
  target: string;
  id: string;
  body: unknown;
}

const mode = (process.env.BASELINE_MODE ?? 'defaults') as BaselineMode;
const configuration = BASELINE_CONFIGURATIONS[mode];
if (!configuration) throw new Error(`BASELINE_MODE: no configuration "${mode}"`);
const endpoints = JSON.parse(process.env.BASELINE_ENDPOINTS ?? '{}') as Record<
  string,
  { url: string; secret: string }
>;
const signers = new Map(Object.entries(endpoints).map(([key, e]) => [key, new Webhook(e.secret)]));
// As many connections per origin as Rowhook's sender keeps.
const dispatcher = new Agent({ connections: 50, headersTimeout: 15_000, bodyTimeout: 15_000 });

// The worker's own pool (graphile-worker's default size), so the bench can show which
// synchronous_commit its bookkeeping actually ran with.
const pgPool = new pg.Pool({
  connectionString: process.env.BASELINE_DATABASE_URL,
  max: configuration.maxPoolSize,
  ...(configuration.synchronousCommit ? {} : { options: '-c synchronous_commit=off' }),
});
const logPoolError = (error: Error) => process.stderr.write(`baseline pool: ${error.message}\n`);
pgPool.on('error', logPoolError);
pgPool.on('connect', (client) => client.on('error', logPoolError));
const { rows } = await pgPool.query<{ synchronous_commit: string }>('show synchronous_commit');

const runner = await run({
  pgPool,
  concurrency: configuration.concurrency,
  pollInterval: 1000,
  noHandleSignals: false,
  ...(configuration.preset ? { preset: { worker: configuration.preset } } : {}),
  taskList: {
    deliver: async (raw) => {
      const payload = raw as DeliverPayload;
      const endpoint = endpoints[payload.target];
      const signer = signers.get(payload.target);
      if (!endpoint || !signer) throw new Error(`unknown target ${payload.target}`);
      const body = JSON.stringify(payload.body);
      const timestamp = new Date();
      const response = await request(endpoint.url, {
        method: 'POST',
        dispatcher,
        headers: {
          'content-type': 'application/json',
          'webhook-id': payload.id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signer.sign(payload.id, timestamp, body),
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300)
        throw new Error(`HTTP ${response.statusCode}`);
    },
  },
});
process.stdout.write(`WORKER READY synchronous_commit=${rows[0]?.synchronous_commit}\n`);
await runner.promise;
