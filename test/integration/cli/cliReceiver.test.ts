import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor } from './runRowhook.ts';

const harness = useTestRuntime();
let receiver: TestReceiver;

beforeAll(async () => {
  receiver = await new TestReceiver().start();
});
afterAll(async () => {
  await receiver?.stop();
});

describe('rowhook endpoints receiver', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('sets headers (a secret one from a file), auth from a file, timeout and schedule; prints secrets masked', async () => {
    const { apiKey } = await harness.api.createTenant('cli-receiver');
    const { id } = await harness.api.createEndpoint(apiKey, { url: receiver.url });
    const dir = mkdtempSync(path.join(tmpdir(), 'rowhook-cli-receiver-'));
    writeFileSync(path.join(dir, 'key'), 'file-secret-31c7\n');
    writeFileSync(path.join(dir, 'auth.json'), JSON.stringify({ type: 'bearer', token: 'cli-token-99e2' }));
    const cli = cliFor(harness.runtime.apiUrl, apiKey);
    const res = await cli([
      'endpoints',
      'receiver',
      id,
      '--header',
      'X-Plain=plain',
      '--secret-header',
      `X-Key=@${path.join(dir, 'key')}`,
      '--auth-file',
      path.join(dir, 'auth.json'),
      '--timeout',
      '2000',
      '--retry-schedule',
      '1m,10m',
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('headers: X-Plain: plain, X-Key: ********');
    expect(res.stdout).toContain('receiver auth: bearer');
    expect(res.stdout).toContain('retry schedule: 1m,10m');
    expect(res.stdout).toContain('timeout: 2000 ms');
    expect(res.stdout).not.toContain('file-secret-31c7');
    expect(res.stdout).not.toContain('cli-token-99e2');

    const before = receiver.received.length;
    expect((await harness.api.call('POST', `/v1/endpoints/${id}/test`, apiKey)).status).toBe(202);
    await receiver.waitForCount(before + 1);
    const webhook = receiver.received[before];
    expect(webhook?.headers['x-plain']).toBe('plain');
    expect(webhook?.headers['x-key']).toBe('file-secret-31c7');
    expect(webhook?.headers.authorization).toBe('Bearer cli-token-99e2');
  });

  it('exits 1 with the API message for a refused header, and 2 when nothing is asked', async () => {
    const { apiKey } = await harness.api.createTenant('cli-receiver-bad');
    const { id } = await harness.api.createEndpoint(apiKey, { url: receiver.url });
    const cli = cliFor(harness.runtime.apiUrl, apiKey);
    const refused = await cli(['endpoints', 'receiver', id, '--header', 'Webhook-Id=x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('reserved for the Standard Webhooks headers');
    const empty = await cli(['endpoints', 'receiver', id]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('nothing to change');
  });
});
