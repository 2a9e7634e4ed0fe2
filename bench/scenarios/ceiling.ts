import autocannon from 'autocannon';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';
import type { BenchReceiver } from '../receiver/startBenchReceiver.ts';

const BODY = JSON.stringify({
  type: 'bench_orders.created',
  timestamp: new Date().toISOString(),
  data: { id: 1, tenant_id: 't0', bucket: 0, payload: 'x'.repeat(200) },
});

function signedHeaders(secret: string) {
  const id = 'msg_ceiling';
  const timestamp = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, BODY),
  };
}

/**
 * What the bench receiver can take at all (autocannon, 50 connections, from its own process) and
 * what undici alone can push into it from one Node process (no database, no signing per request):
 * the ceilings the end-to-end figures are divided by.
 */
export async function measureCeiling(receiver: BenchReceiver, secret: string, seconds: number) {
  await receiver.reset();
  const cannon = await autocannon({
    url: `${receiver.url}/ceiling`,
    method: 'POST',
    headers: signedHeaders(secret),
    body: BODY,
    connections: 50,
    duration: seconds,
  });
  const stats = await receiver.stats();
  if (stats.badSignatures > 0) throw new Error('ceiling requests failed verification');

  const pool = new Pool(receiver.url, { connections: 50 });
  const headers = signedHeaders(secret);
  let sent = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < deadline) {
        const response = await pool.request({ path: '/ceiling', method: 'POST', headers, body: BODY });
        await response.body.dump();
        if (response.statusCode === 204) sent += 1;
      }
    }),
  );
  const undiciPerSecond = Math.round(sent / ((Date.now() - started) / 1000));
  await pool.close();
  return {
    autocannonRequestsPerSecond: Math.round(cannon.requests.average),
    autocannonNon2xx: cannon.non2xx,
    undiciPostsPerSecond: undiciPerSecond,
  };
}
