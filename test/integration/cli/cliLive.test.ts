import { describe, expect, it } from 'vitest';
import { useReceivers } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor, startRowhook } from './runRowhook.ts';

const harness = useTestRuntime();
const receiver = useReceivers();
const admin = (args: string[]) => cliFor(harness.runtime.apiUrl, TEST_ADMIN_TOKEN)(args);

let tenantCounter = 0;

async function tenantWithEndpoint(status: number) {
  const r = await receiver();
  r.respondWithStatuses(status);
  const tenant = await harness.api.createTenant(`cli-live-${++tenantCounter}`);
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: r.url });
  const sendTestEvent = async () => {
    const sent = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(sent.status).toBe(202);
    return sent.json.eventId as string;
  };
  return { r, tenant, endpoint, sendTestEvent };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('rowhook tail', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('prints each new attempt as NDJSON and stops cleanly on SIGINT', async () => {
    const { tenant, sendTestEvent } = await tenantWithEndpoint(200);
    const tail = startRowhook(['tail', '--tenant', tenant.id, '--json', '--interval', '100'], {
      env: { ROWHOOK_URL: harness.runtime.apiUrl, ROWHOOK_TOKEN: TEST_ADMIN_TOKEN },
    });
    try {
      const sent = [await sendTestEvent(), await sendTestEvent()];
      await expect.poll(() => lines(tail.result.stdout).length, { timeout: 60_000, interval: 100 }).toBe(2);
      const attempts = lines(tail.result.stdout).map((line) => JSON.parse(line));
      expect(attempts.map((a) => a.webhookId).sort()).toEqual([...sent].sort());
      for (const attempt of attempts) {
        expect(attempt).toMatchObject({
          tenantId: tenant.id,
          status: 200,
          attempt: 1,
          eventType: 'webhook.test',
        });
      }
    } finally {
      tail.child.kill('SIGINT');
    }
    const done = await tail.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toBe('');
  });

  it("shows a tenant key's own recent attempts as lines, failures with their error class", async () => {
    const ok = await tenantWithEndpoint(200);
    const failing = await tenantWithEndpoint(500);
    const okEvent = await ok.sendTestEvent();
    await ok.r.waitForCount(1, 60_000);
    await failing.sendTestEvent();
    await failing.r.waitForCount(1, 60_000);

    const tail = startRowhook(['tail', '-n', '5'], {
      env: { ROWHOOK_URL: harness.runtime.apiUrl, ROWHOOK_TOKEN: ok.tenant.apiKey },
    });
    await expect.poll(() => lines(tail.result.stdout).length, { timeout: 60_000, interval: 100 }).toBe(1);
    tail.child.kill('SIGINT');
    const done = await tail.done;
    expect(done.code).toBe(0);
    // Only the key's tenant: the other tenant's failures are not shown.
    expect(lines(done.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\S+Z {2}ok 200 +\\d+ms {2}#1 {2}${ok.tenant.id} {2}${ok.endpoint.id} {2}webhook\\.test {2}${okEvent}$`,
        ),
      ),
    ]);

    const failTail = startRowhook(['tail', '-n', '1', '--tenant', failing.tenant.id], {
      env: { ROWHOOK_URL: harness.runtime.apiUrl, ROWHOOK_TOKEN: TEST_ADMIN_TOKEN },
    });
    await expect.poll(() => lines(failTail.result.stdout).length, { timeout: 60_000, interval: 100 }).toBe(1);
    failTail.child.kill('SIGINT');
    expect((await failTail.done).stdout).toMatch(/ {2}FAIL 500 +\d+ms {2}#\d/);
  });

  it('exits 1 when a tenant key names another tenant', async () => {
    const { tenant } = await tenantWithEndpoint(200);
    const res = await cliFor(harness.runtime.apiUrl, tenant.apiKey)(['tail', '--tenant', 'someone-else']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/only its own tenant/);
  });
});

describe('rowhook endpoints for operators (--tenant)', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('lists with health, disables with a reason and re-enables', async () => {
    const { tenant, endpoint, r, sendTestEvent } = await tenantWithEndpoint(200);
    await sendTestEvent();
    await r.waitForCount(1, 60_000);

    const listed = await admin(['endpoints', 'ls', '--tenant', tenant.id]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+URL\s+ENABLED\s+EVENT TYPES\s+SUCCESS 24H\s+LAST FAILURE$/m);
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${endpoint.id}\\s+http://127\\.0\\.0\\.1:\\d+/webhooks\\s+yes\\s+\\*\\s+100% of 1\\s+-$`,
        'm',
      ),
    );

    const disabled = await admin([
      'endpoints',
      'disable',
      endpoint.id,
      '--tenant',
      tenant.id,
      '--reason',
      'maintenance',
    ]);
    expect(disabled).toMatchObject({ code: 0, stdout: `disabled ${endpoint.id}\n` });
    const shown = await admin(['endpoints', 'show', endpoint.id, '--tenant', tenant.id]);
    expect(shown.stdout).toMatch(/^enabled\s+no$/m);
    expect(shown.stdout).toMatch(/^disabled reason\s+maintenance$/m);
    expect(shown.stdout).toMatch(/^success 24h\s+100% of 1$/m);

    const enabled = await admin(['endpoints', 'enable', endpoint.id, '--tenant', tenant.id, '--json']);
    expect(enabled.code).toBe(0);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ id: endpoint.id, enabled: true });
  });

  it('exits 4 for an endpoint of another tenant and 2 for --reason without --tenant', async () => {
    const a = await tenantWithEndpoint(200);
    const b = await tenantWithEndpoint(200);
    const other = await admin(['endpoints', 'show', a.endpoint.id, '--tenant', b.tenant.id]);
    expect(other.code).toBe(4);
    expect(other.stderr).toMatch(/not found/);
    const reason = await cliFor(
      harness.runtime.apiUrl,
      a.tenant.apiKey,
    )(['endpoints', 'disable', a.endpoint.id, '--reason', 'x']);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toMatch(/--reason .* add --tenant T/);
  });
});
