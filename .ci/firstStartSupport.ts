// Helpers of the first-start CI check (.ci/firstStartAsRoot.ts): bounded waits, pids, a receiver.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { Webhook } from 'standardwebhooks';

export class CheckFailed extends Error {}
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      if (error instanceof CheckFailed) throw error;
      return undefined; // not up yet
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CheckFailed(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has finished: it only waits for whoever adopted it (init, after a SIGKILLed parent) to reap it.
  const stat = (() => {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return '';
    }
  })();
  return !/^\d+ \(.*\) Z/.test(stat);
}

/** Webhooks received, with whether their Standard Webhooks signature checked out. */
export interface Received {
  id: number;
  valid: boolean;
}

export async function startReceiver() {
  const received: Received[] = [];
  let verifier: Webhook | undefined;
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let valid = false;
      try {
        verifier?.verify(body, request.headers as Record<string, string>);
        valid = verifier !== undefined;
      } catch {}
      received.push({ id: Number((JSON.parse(body) as { data?: { id?: unknown } }).data?.id), valid });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`,
    received,
    useSecret: (secret: string) => {
      verifier = new Webhook(secret);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
