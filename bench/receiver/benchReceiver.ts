import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

// The bench's webhook receiver, run as its own process so its CPU is not the runtime's. Every
// delivery's signature is verified with the standardwebhooks library before it counts. Paths:
//   /e/<group>/<name>  deliveries for a registered endpoint (secret set through /_control/secrets)
//   /ceiling           a fixed-secret target for the ceiling measurement (autocannon, raw undici)
//   /blackhole/...     never answers: the client's timeout is the only way out
//   /_control/*        secrets, reset, stats for the orchestrator

interface Arrival {
  group: string;
  latencyMs: number | null;
}

const verifiers = new Map<string, Webhook>();
const ceilingVerifier = new Webhook(process.env.BENCH_CEILING_SECRET ?? '');
let seen = new Set<string>();
let arrivals: Arrival[] = [];
let duplicates = 0;
let badSignatures = 0;
let firstAt = 0;
let lastAt = 0;
let ceilingCount = 0;
const parked = new Set<ServerResponse>();

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  return {
    'webhook-id': String(request.headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
  };
}

function sentAtOf(body: string): number | null {
  // data.sent_at is the row's clock_timestamp() at INSERT: the commit is a few µs later.
  const match = /"sent_at":\s*"([^"]+)"/.exec(body);
  return match?.[1] ? Date.parse(match[1]) : null;
}

function stats() {
  const groups: Record<string, number[]> = {};
  for (const arrival of arrivals) {
    if (arrival.latencyMs === null) continue;
    const group = groups[arrival.group] ?? [];
    group.push(arrival.latencyMs);
    groups[arrival.group] = group;
  }
  return {
    unique: seen.size,
    duplicates,
    badSignatures,
    firstAt,
    lastAt,
    ceilingCount,
    latencies: groups,
  };
}

async function control(path: string, request: IncomingMessage, response: ServerResponse) {
  if (path === '/_control/secrets') {
    const secrets = JSON.parse((await readBody(request)).toString()) as Record<string, string>;
    for (const [endpointPath, secret] of Object.entries(secrets))
      verifiers.set(endpointPath, new Webhook(secret));
    response.writeHead(204).end();
  } else if (path === '/_control/reset') {
    seen = new Set();
    arrivals = [];
    duplicates = 0;
    badSignatures = 0;
    firstAt = 0;
    lastAt = 0;
    ceilingCount = 0;
    response.writeHead(204).end();
  } else if (path === '/_control/stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats()));
  } else {
    response.writeHead(404).end();
  }
}

const server = createServer(async (request, response) => {
  const path = request.url ?? '/';
  if (path.startsWith('/_control/')) return control(path, request, response);
  if (path.startsWith('/blackhole')) {
    parked.add(response);
    response.on('close', () => parked.delete(response));
    request.resume();
    return;
  }
  const body = await readBody(request);
  const verifier = path === '/ceiling' ? ceilingVerifier : verifiers.get(path);
  try {
    if (!verifier) throw new Error('unknown endpoint');
    verifier.verify(body, headersOf(request));
  } catch {
    badSignatures += 1;
    response.writeHead(400).end();
    return;
  }
  if (path === '/ceiling') {
    ceilingCount += 1;
    response.writeHead(204).end();
    return;
  }
  const now = Date.now();
  const id = String(request.headers['webhook-id']);
  if (seen.has(id)) {
    duplicates += 1;
  } else {
    seen.add(id);
    if (firstAt === 0) firstAt = now;
    lastAt = now;
    const sentAt = sentAtOf(body.toString());
    arrivals.push({ group: path.split('/')[2] ?? '', latencyMs: sentAt === null ? null : now - sentAt });
  }
  response.writeHead(204).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`RECEIVER ${address.port}\n`);
});
process.on('SIGTERM', () => {
  for (const response of parked) response.destroy();
  server.close(() => process.exit(0));
});
