import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../../functions/cli/runCli.ts';

// `endpoints recover` in-process against a scripted HTTP API, to see what a terminal sees.
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const job = (status: string, sent: number, extra: Record<string, unknown> = {}) => ({
  id: 'rcv_1',
  endpointId: 'ep_1',
  since: '2026-12-01T10:00:00.000Z',
  until: '2026-12-01T12:00:00.000Z',
  status,
  total: 5,
  sent,
  truncatedAt: null,
  error: null,
  createdAt: '2026-12-01T12:00:00.000Z',
  finishedAt: status === 'running' ? null : '2026-12-01T12:00:01.000Z',
  ...extra,
});

async function scriptedApi(answers: { status: number; body: unknown }[]) {
  const requests: { method: string; url: string; body: unknown }[] = [];
  const scripted = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: text ? JSON.parse(text) : undefined,
      });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  server = scripted;
  await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(scripted.address() as AddressInfo).port}`, requests };
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

describe('endpoints recover', () => {
  it('creates the job for the window, then polls it with a progress bar until done', async () => {
    const api = await scriptedApi([
      { status: 202, body: job('running', 0) },
      { status: 200, body: job('running', 3) },
      { status: 200, body: job('done', 5) },
    ]);
    const { cliIo, output } = io(api.url, true);
    const code = await runCli(['endpoints', 'recover', 'ep_1', '--since', '2h', '--interval', '50'], cliIo);
    expect(code).toBe(0);
    expect(api.requests).toEqual([
      { method: 'POST', url: '/v1/endpoints/ep_1/recover', body: { since: '2026-12-01T10:00:00.000Z' } },
      { method: 'GET', url: '/v1/recoveries/rcv_1', body: undefined },
      { method: 'GET', url: '/v1/recoveries/rcv_1', body: undefined },
    ]);
    expect(output.stderr).toBe(
      '\r[------------------------------] 0/5   0%' +
        '\r[##################------------] 3/5  60%' +
        '\r[##############################] 5/5 100%\n',
    );
    expect(output.stdout).toBe('re-sent 5 of 5 events (rcv_1)\n');
  });

  it('says when the window reaches past what is kept, and exits 1 when the job fails', async () => {
    const api = await scriptedApi([
      { status: 202, body: job('running', 0, { truncatedAt: '2026-12-01T11:00:00.000Z' }) },
      { status: 200, body: job('failed', 2, { error: 'the endpoint was deleted' }) },
    ]);
    const { cliIo, output } = io(api.url, false);
    const code = await runCli(
      [
        'endpoints',
        'recover',
        'ep_1',
        '--since',
        '7d',
        '--until',
        '2026-12-01T11:30:00Z',
        '--interval',
        '50',
      ],
      cliIo,
    );
    expect(code).toBe(1);
    expect(api.requests[0]?.body).toEqual({
      since: '2026-11-24T12:00:00.000Z',
      until: '2026-12-01T11:30:00.000Z',
    });
    expect(output.stderr).toContain('events before 2026-12-01T11:00:00.000Z are no longer kept');
    expect(output.stderr).toContain('re-sent 2 of 5');
    expect(output.stderr).toContain('the endpoint was deleted');
  });

  it('needs --since (usage error, exit 2) and a valid time', async () => {
    const { cliIo, output } = io('http://127.0.0.1:9', false);
    expect(await runCli(['endpoints', 'recover', 'ep_1'], cliIo)).toBe(2);
    expect(output.stderr).toContain('--since');
    expect(await runCli(['endpoints', 'recover', 'ep_1', '--since', 'soon'], cliIo)).toBe(2);
    expect(output.stderr).toContain('expected an ISO-8601 time');
  });
});
