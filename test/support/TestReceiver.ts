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
  private readonly waiters: { count: number; resolve: () => void }[] = [];
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
          if (this.received.length >= waiter.count) {
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
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${count} webhooks within ${timeoutMs} ms, got ${this.received.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
