import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../functions/cli/runCli.ts';

// The redrive loop in-process against a scripted HTTP API, to see what a terminal sees.
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function scriptedApi(answers: { status: number; body: unknown }[]) {
  const requests: { url: string; authorization: string | undefined; body: Record<string, unknown> }[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      requests.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(text || '{}'),
      });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server?.address() as AddressInfo | undefined;
  return { url: `http://127.0.0.1:${address?.port}`, requests };
}

function io(url: string, tty: boolean) {
  const output = { stdout: '', stderr: '' };
  const cliIo: CliIo = {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text), isTTY: tty },
    env: { ROWHOOK_URL: url, ROWHOOK_TOKEN: 'admin-token-for-tests' },
    cwd: '/nonexistent',
    onInterrupt: () => new AbortController().signal,
    now: () => new Date('2026-12-01T12:00:00.000Z'),
  };
  return { cliIo, output };
}

describe('dlq redrive --all', () => {
  it('loops with limit and to = the start time, redrawing a progress bar on a terminal', async () => {
    const api = await scriptedApi([
      { status: 202, body: { count: 2, remaining: 3 } },
      { status: 202, body: { count: 2, remaining: 1 } },
      { status: 202, body: { count: 1, remaining: 0 } },
    ]);
    const { cliIo, output } = io(api.url, true);
    const code = await runCli(
      ['dlq', 'redrive', '--all', '--tenant', 'acme', '--since', '1h', '--batch', '2'],
      cliIo,
    );
    expect(code).toBe(0);
    expect(api.requests).toHaveLength(3);
    for (const request of api.requests) {
      expect(request).toEqual({
        url: '/v1/dead-letters/redrive',
        authorization: 'Bearer admin-token-for-tests',
        body: {
          tenantId: 'acme',
          from: '2026-12-01T11:00:00.000Z',
          to: '2026-12-01T12:00:00.000Z',
          limit: 2,
        },
      });
    }
    expect(output.stderr).toBe(
      '\r[############------------------] 2/5  40%' +
        '\r[########################------] 4/5  80%' +
        '\r[##############################] 5/5 100%\n',
    );
    expect(output.stdout).toBe('redriven 5 dead letters\n');
  });

  it('keeps an earlier --until as the upper bound', async () => {
    const api = await scriptedApi([{ status: 202, body: { count: 0, remaining: 0 } }]);
    const { cliIo } = io(api.url, false);
    expect(await runCli(['dlq', 'redrive', '--all', '--until', '2026-11-30'], cliIo)).toBe(0);
    expect(api.requests[0]?.body).toEqual({ to: '2026-11-30T00:00:00.000Z', limit: 100 });
  });

  it('stops instead of looping when a batch moves nothing although some remain', async () => {
    const api = await scriptedApi([{ status: 202, body: { count: 0, remaining: 4 } }]);
    const { cliIo, output } = io(api.url, false);
    expect(await runCli(['dlq', 'redrive', '--all', '--json'], cliIo)).toBe(0);
    expect(api.requests).toHaveLength(1);
    expect(output.stdout).toBe('{"count":0,"remaining":4}\n');
    expect(output.stderr).toMatch(/4 still match but could not be redriven now/);
  });

  it('exits 3 with the API message on a 5xx, and 1 on a 4xx', async () => {
    const down = await scriptedApi([
      {
        status: 503,
        body: { error: { code: 'unavailable', message: 'the database is unavailable; retry shortly' } },
      },
    ]);
    const first = io(down.url, false);
    expect(await runCli(['dlq', 'redrive', '--all'], first.cliIo)).toBe(3);
    expect(first.output.stderr).toBe('rowhook: the database is unavailable; retry shortly\n');
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const refused = await scriptedApi([
      { status: 400, body: { error: { code: 'invalid_request', message: 'from: must be earlier than to' } } },
    ]);
    const second = io(refused.url, false);
    expect(await runCli(['dlq', 'redrive', '--all', '--since', '2030-01-01'], second.cliIo)).toBe(1);
    expect(second.output.stderr).toBe('rowhook: from: must be earlier than to\n');
  });
});
