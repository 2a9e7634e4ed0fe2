import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor, EMPTY_CWD } from './runRowhook.ts';

const harness = useTestRuntime();
const admin = (args: string[]) => cliFor(harness.runtime.apiUrl, TEST_ADMIN_TOKEN)(args);
const receivers: TestReceiver[] = [];

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

describe('rowhook events', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('publish sends a signed webhook, with a tenant key or as an operator with --tenant', async () => {
    const tenant = await harness.api.createTenant('cli-events');
    const receiver = await new TestReceiver().start();
    receivers.push(receiver);
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
    const asTenant = await cliFor(
      harness.runtime.apiUrl,
      tenant.apiKey,
    )([
      'events',
      'publish',
      'invoice.paid',
      '--data',
      '{"invoice": "in_1", "amount": 1250}',
      '--idempotency-key',
      'cli-1',
    ]);
    expect(asTenant.code).toBe(0);
    const [, firstId] = /^published invoice\.paid (evt_[0-9a-f]{32})\n$/.exec(asTenant.stdout) ?? [];
    expect(firstId).toBeDefined();
    // The same key again: the same id, nothing new sent.
    const repeated = await cliFor(
      harness.runtime.apiUrl,
      tenant.apiKey,
    )([
      'events',
      'publish',
      'invoice.paid',
      '--data',
      '{"invoice": "in_1", "amount": 1250}',
      '--idempotency-key',
      'cli-1',
    ]);
    expect(repeated.stdout).toBe(`published invoice.paid ${firstId}\n`);

    const file = path.join(EMPTY_CWD, 'marker.json');
    writeFileSync(file, '{"last": true}');
    const marker = await admin([
      'events',
      'publish',
      'test.marker',
      '--data',
      `@${file}`,
      '--tenant',
      tenant.id,
      '--json',
    ]);
    expect(marker.code).toBe(0);
    const markerId = JSON.parse(marker.stdout).id as string;
    const [received] = await webhooksBeforeMarker(harness.database.db, [receiver], hasWebhookId(markerId));
    expect(received?.map((w) => w.headers['webhook-id'])).toEqual([firstId]);
    const payload = new Webhook(endpoint.secret).verify(
      received?.[0]?.body as string,
      received?.[0]?.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: 'invoice.paid', data: { invoice: 'in_1', amount: 1250 } });

    const types = await cliFor(harness.runtime.apiUrl, tenant.apiKey)(['events', 'types']);
    expect(types.code).toBe(0);
    expect(types.stdout).toMatch(/^TYPE\s+SOURCE\s+VERSION\s+UPDATED AT\n/);
    expect(types.stdout).toMatch(/^invoice\.paid\s+published\s+no schema/m);
  });

  it.each([
    [['events', 'publish', 'a.b'], 2, /missing --data/],
    [['events', 'publish', 'a.b', '--data', '{nope'], 2, /--data is not valid JSON/],
    [['events', 'publish', 'a.b', '--data', '[1]'], 2, /--data must be a JSON object/],
    [
      ['events', 'publish', 'a.b', '--data', '@/nonexistent/x.json'],
      2,
      /cannot read \/nonexistent\/x.json \(ENOENT\)/,
    ],
    [['events', 'publish', 'a.b', '--data', '{}'], 1, /tenantId: required with the admin token/],
    [['events', 'publish', 'bad type', '--data', '{}', '--tenant', 'x'], 1, /type: may contain only letters/],
  ])('%j exits %i with a message that says what to fix', async (args, code, message) => {
    const res = await admin(args);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});
