import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor } from './runRowhook.ts';

const harness = useTestRuntime();

describe('rowhook endpoints ordering / create --ordering', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('creates a per-key endpoint, switches it back, and exits 1 with the API’s message for a wrong value', async () => {
    const tenant = await harness.api.createTenant('cli-ordering');
    const cli = cliFor(harness.runtime.apiUrl, tenant.apiKey);
    const created = await cli([
      'endpoints',
      'create',
      'http://127.0.0.1:9/hook',
      '--ordering',
      'per-key',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).id as string;
    expect(JSON.parse(created.stdout).ordering).toBe('per-key');

    const switched = await cli(['endpoints', 'ordering', id, 'none']);
    expect([switched.code, switched.stdout.trim()]).toEqual([0, `${id}: ordering none`]);
    const shown = await harness.api.call('GET', `/v1/endpoints/${id}`, tenant.apiKey);
    expect(shown.json.ordering).toBe('none');

    const wrong = await cli(['endpoints', 'ordering', id, 'fifo']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('per-key');
  });
});
