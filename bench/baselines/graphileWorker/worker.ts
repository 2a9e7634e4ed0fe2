import { run } from 'graphile-worker';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';

// The baseline: what a team builds without Rowhook — a graphile-worker job per delivery, enqueued in
// the writer's transaction, and a task that signs (Standard Webhooks) and POSTs with undici.
interface DeliverPayload {
  target: string;
  id: string;
  body: unknown;
}

const endpoints = JSON.parse(process.env.BASELINE_ENDPOINTS ?? '{}') as Record<
  string,
  { url: string; secret: string }
>;
const signers = new Map(Object.entries(endpoints).map(([key, e]) => [key, new Webhook(e.secret)]));
const dispatcher = new Agent({ connections: 50, headersTimeout: 15_000, bodyTimeout: 15_000 });

const runner = await run({
  connectionString: process.env.BASELINE_DATABASE_URL,
  concurrency: Number(process.env.BASELINE_CONCURRENCY ?? 50),
  pollInterval: 1000,
  noHandleSignals: false,
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
process.stdout.write('WORKER READY\n');
await runner.promise;
