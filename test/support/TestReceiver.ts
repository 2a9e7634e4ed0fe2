import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

export type Responder = (request: ReceivedWebhook, index: number, response: ServerResponse) => void;

/** A webhook receiver on 127.0.0.1 whose answers the test decides (after svix's TestReceiver). */
export class TestReceiver {
  readonly received: ReceivedWebhook[] = [];
  private responder: Responder = (_req, _i, res) => res.writeHead(200).end('ok');
  private readonly waiters: { done: () => boolean; resolve: () => void }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const webhook = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          path: req.url ?? '/',
        };
        const index = this.received.push(webhook) - 1;
        this.responder(webhook, index, res);
        for (const waiter of [...this.waiters]) {
          if (waiter.done()) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
    return this;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Answers with these statuses in turn, repeating the last one. */
  respondWithStatuses(...statuses: number[]): void {
    this.responder = (_req, index, res) =>
      res.writeHead(statuses[Math.min(index, statuses.length - 1)] ?? 200).end();
  }

  waitForCount(count: number, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(() => this.received.length >= count, `${count} webhooks`, timeoutMs);
  }

  /** Resolves once a webhook matching `matches` has arrived; rejects after `timeoutMs` without one. */
  waitFor(matches: (webhook: ReceivedWebhook) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(() => this.received.some(matches), what, timeoutMs);
  }

  private waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`expected ${what} within ${timeoutMs} ms, got ${this.received.length} webhooks`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
