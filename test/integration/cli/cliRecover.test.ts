import { describe, expect, it } from 'vitest';
import { fromPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { waitForPipelineDrained } from '../../support/waitForPipelineDrained.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor } from './runRowhook.ts';

const harness = useTestRuntime();

describe('rowhook endpoints recover / resend', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it("re-sends an endpoint's events of the last hour with a tenant key, then one event by id", async () => {
    const tenant = await harness.api.createTenant('cli-recover');
    const receiver = await new TestReceiver().start();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, {
      url: receiver.url,
      maxConcurrency: 1,
    });
    await harness.database.db.query('create table cli_rec (id bigint primary key, tenant_id text not null)');
    await harness.database.db.query("select rowhook.track_table('cli_rec', 'tenant_id')");
    for (const id of [1, 2, 3])
      await harness.database.db.query("insert into cli_rec values ($1, 'cli-recover')", [id]);
    await receiver.waitForCount(3);
    const originals = receiver.received.map((w) => String(w.headers['webhook-id']));

    const cli = cliFor(harness.runtime.apiUrl, tenant.apiKey);
    const recovered = await cli(['endpoints', 'recover', endpoint.id, '--since', '1h', '--interval', '50']);
    expect(recovered.stderr).toContain('re-sent 3 of 3');
    expect(recovered.stdout).toMatch(/^re-sent 3 of 3 events \(rcv_[0-9a-f]{32}\)\n$/);
    expect(recovered.code).toBe(0);
    await receiver.waitForCount(6);
    expect(receiver.received.slice(3).map((w) => String(w.headers['webhook-id']))).toEqual(originals);

    // Once the last re-sent attempt has settled, nothing is in flight: resend the first event.
    await waitForPipelineDrained(harness.database.db, String(fromPublicId('evt', originals[2] ?? '')));
    const resent = await cli(['endpoints', 'resend', endpoint.id, String(originals[0])]);
    expect(resent.stdout).toMatch(new RegExp(`^queued ${originals[0]} again \\(dlv_[0-9a-f]{32}\\)\n$`));
    expect(resent.code).toBe(0);
    await receiver.waitForCount(7);
    expect(receiver.received[6]?.headers['webhook-id']).toBe(originals[0]);

    const missing = await cli(['endpoints', 'recover', 'ep_nope', '--since', '1h']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('endpoint "ep_nope" not found');
    await receiver.stop();
  });
});
