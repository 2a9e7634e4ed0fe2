import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

// The bench's webhook receiver, run as its own process so its CPU is not the runtime's. Every
// delivery's signature is verified with the standardwebhooks library before it counts. Paths:
//   /e/<group>/<name>  deliveries for a registered endpoint (secret set through /_control/secrets)
//   /ceiling           a fixed-secret target for the ceiling measurement (autocannon, raw undici)
//   /blackhole/...     never answers: the client's timeout is the only way out
//   /_control/*        secrets, reset, stats, arrivals for the orchestrator
// Each verified delivery is recorded by the row it carries (the body's data.id) with its arrival
// time, so the orchestrator can join it to the writer's commit time of that row and see exactly
// which offered rows never arrived.

interface GroupArrivals {
  ids: string[];
  at: number[];
}

const verifiers = new Map<string, Webhook>();
const ceilingVerifier = new Webhook(process.env.BENCH_CEILING_SECRET ?? '');
let seenMessages = new Set<string>();
let seenRows = new Set<string>();
let groups = new Map<string, GroupArrivals>();
let unique = 0;
let duplicates = 0;
let badSignatures = 0;
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

/** The captured row's primary key (Rowhook's and the baseline's bodies both carry the row as data). */
function rowIdOf(body: Buffer): string | null {
  try {
    const id = (JSON.parse(body.toString()) as { data?: { id?: unknown } }).data?.id;
    return id === undefined || id === null ? null : String(id);
  } catch {
    return null;
  }
}

function stats() {
  const perGroup: Record<string, number> = {};
  for (const [group, arrivals] of groups) perGroup[group] = arrivals.ids.length;
  return { unique, duplicates, badSignatures, ceilingCount, groups: perGroup };
}

function arrivalsOf(group: string | null): GroupArrivals {
  if (group !== null) return groups.get(group) ?? { ids: [], at: [] };
  const all: GroupArrivals = { ids: [], at: [] };
  for (const arrivals of groups.values()) {
    for (const id of arrivals.ids) all.ids.push(id);
    for (const at of arrivals.at) all.at.push(at);
  }
  return all;
}

async function control(url: URL, request: IncomingMessage, response: ServerResponse) {
  const json = (value: unknown) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (url.pathname === '/_control/secrets') {
    const secrets = JSON.parse((await readBody(request)).toString()) as Record<string, string>;
    for (const [endpointPath, secret] of Object.entries(secrets))
      verifiers.set(endpointPath, new Webhook(secret));
    response.writeHead(204).end();
  } else if (url.pathname === '/_control/reset') {
    seenMessages = new Set();
    seenRows = new Set();
    groups = new Map();
    unique = 0;
    duplicates = 0;
    badSignatures = 0;
    ceilingCount = 0;
    response.writeHead(204).end();
  } else if (url.pathname === '/_control/stats') {
    json(stats());
  } else if (url.pathname === '/_control/arrivals') {
    json(arrivalsOf(url.searchParams.get('group')));
  } else {
    response.writeHead(404).end();
  }
}

function record(path: string, messageId: string, rowId: string | null, arrivedAt: number) {
  // A second delivery of the same message, or of the same row under another message id, is a
  // duplicate: every bench row matches exactly one endpoint.
  const rowKey = rowId ?? `message:${messageId}`;
  if (seenMessages.has(messageId) || seenRows.has(rowKey)) {
    duplicates += 1;
    return;
  }
  seenMessages.add(messageId);
  seenRows.add(rowKey);
  unique += 1;
  const group = path.split('/')[2] ?? '';
  let arrivals = groups.get(group);
  if (!arrivals) {
    arrivals = { ids: [], at: [] };
    groups.set(group, arrivals);
  }
  arrivals.ids.push(rowKey);
  arrivals.at.push(arrivedAt);
}

const server = createServer(async (request, response) => {
  // Arrival is when the request reached the receiver, before its body is read and verified.
  const arrivedAt = Date.now();
  const url = new URL(request.url ?? '/', 'http://receiver');
  const path = url.pathname;
  if (path.startsWith('/_control/')) return control(url, request, response);
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
  // The ceiling's requests are parsed as well, so it costs the receiver what a delivery does.
  const rowId = rowIdOf(body);
  if (path === '/ceiling') {
    ceilingCount += 1;
    response.writeHead(204).end();
    return;
  }
  record(path, String(request.headers['webhook-id']), rowId, arrivedAt);
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
