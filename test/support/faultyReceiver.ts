import { createServer } from 'node:net';
import { afterEach } from 'vitest';
import type { TestHarness } from './startTestRuntime.ts';
import { type Responder, TestReceiver } from './TestReceiver.ts';

/** A URL on 127.0.0.1 whose port was just listened on and closed again: connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhooks`;
}

/** Reads the request and never answers. */
export const hangForever: Responder = () => {};

/** Sends the status line and headers, then kills the connection before the promised body. */
export const resetAfterHeaders: Responder = (_req, _i, res) => {
  res.writeHead(200, { 'content-length': '100' });
  res.write('partial');
  setTimeout(() => res.socket?.destroy(), 50);
};

/** Answers 200 at once, then trickles one byte every `intervalMs` until the client hangs up. */
export function trickleBody(intervalMs: number): Responder {
  return (_req, _i, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    const timer = setInterval(() => res.write('x'), intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** A redirect to `location` (same receiver, another path). */
export function redirectTo(status: number, location: string): Responder {
  return (_req, _i, res) => res.writeHead(status, { location }).end();
}

export interface DeliveryRow {
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  /** Seconds from now (database clock) until next_attempt_at. */
  wait_s: number;
}

/** The single delivery of a tenant, as stored. */
export async function deliveryOf(harness: TestHarness, tenantId: string): Promise<DeliveryRow | undefined> {
  const rows = await harness.database.db.query<DeliveryRow>(
    `select state, attempts, last_status, last_error,
            extract(epoch from next_attempt_at - now())::float8 as wait_s
       from rowhook.deliveries where tenant_id = $1`,
    [tenantId],
  );
  if (rows.length > 1) throw new Error(`expected one delivery for ${tenantId}, got ${rows.length}`);
  return rows[0];
}

export interface AttemptView {
  attempt: number;
  status: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseSnippet: string | null;
}

/** Recorded attempts of an endpoint, newest first, as the API shows them. */
export async function attemptsOf(
  harness: TestHarness,
  apiKey: string,
  endpointId: string,
): Promise<AttemptView[]> {
  const res = await harness.api.call('GET', `/v1/endpoints/${endpointId}/deliveries`, apiKey);
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.items;
}

let tenantCounter = 0;

/** A fresh tenant with one endpoint at `url`, and a test event sent to it. */
export async function endpointWithTestEvent(harness: TestHarness, url: string) {
  const tenant = await harness.api.createTenant(`fault-${++tenantCounter}`);
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url });
  const sent = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
  if (sent.status !== 202) throw new Error(`test event: ${sent.status} ${JSON.stringify(sent.json)}`);
  return { tenant, endpoint };
}

/** Starts TestReceivers on demand and stops every one after each test of the calling file. */
export function useReceivers(): () => Promise<TestReceiver> {
  const started: TestReceiver[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.stop()));
  });
  return async () => {
    const receiver = await new TestReceiver().start();
    started.push(receiver);
    return receiver;
  };
}
