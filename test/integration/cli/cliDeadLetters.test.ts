import { describe, expect, it } from 'vitest';
import { useReceivers } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import type { TestReceiver } from '../../support/TestReceiver.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor } from './runRowhook.ts';

// The default test schedule (100ms,100ms): three failed attempts and a delivery is dead in well under a second.
const harness = useTestRuntime();
const receiver = useReceivers();
const admin = (args: string[]) => cliFor(harness.runtime.apiUrl, TEST_ADMIN_TOKEN)(args);

interface DeadLetter {
  id: string;
  endpointId: string;
  eventId: string;
  errorClass: string;
}

let tenantCounter = 0;

/** A tenant whose endpoint answers 500 to `events` test events, waited for until all are dead letters. */
async function deadLettersAt(r: TestReceiver, events: number) {
  r.respondWithStatuses(500);
  const tenant = await harness.api.createTenant(`cli-dlq-${++tenantCounter}`);
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: r.url });
  for (let i = 0; i < events; i++) {
    const sent = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(sent.status).toBe(202);
  }
  const list = async () =>
    (await harness.api.call('GET', `/v1/dead-letters?endpointId=${endpoint.id}`, TEST_ADMIN_TOKEN)).json
      .items as DeadLetter[];
  await expect.poll(async () => (await list()).length, { timeout: 60_000, interval: 100 }).toBe(events);
  return { tenant, endpoint, deadLetters: await list() };
}

describe('rowhook dlq', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('lists dead letters as a table and as the API JSON, with filters', async () => {
    const { tenant, endpoint, deadLetters } = await deadLettersAt(await receiver(), 2);

    const table = await admin([
      'dlq',
      'ls',
      '--endpoint',
      endpoint.id,
      '--error-class',
      'http_500',
      '--since',
      '1h',
    ]);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+TENANT\s+ENDPOINT\s+EVENT TYPE\s+ERROR CLASS\s+ATTEMPTS\s+FAILED AT\s+LAST ERROR$/,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatch(
        new RegExp(`^dlv_\\w+\\s+${tenant.id}\\s+${endpoint.id}\\s+webhook\\.test\\s+http_500\\s+3\\s`),
      );
    }

    const json = await admin(['dlq', 'ls', '--tenant', tenant.id, '--json']);
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout);
    expect(page.items.map((d: DeadLetter) => d.id).sort()).toEqual(deadLetters.map((d) => d.id).sort());
    expect(page).toHaveProperty('nextCursor', null);

    const none = await admin(['dlq', 'ls', '--endpoint', endpoint.id, '--until', '2000-01-01']);
    expect(none).toMatchObject({ code: 0, stdout: 'no dead letters\n' });
    const badClass = await admin(['dlq', 'ls', '--error-class', 'HTTP 500!']);
    expect(badClass.code).toBe(1);
    expect(badClass.stderr).toMatch(/errorClass/);
  });

  it('shows one dead letter with its body, signed headers and attempts, and discards it', async () => {
    const { deadLetters } = await deadLettersAt(await receiver(), 1);
    const [dead] = deadLetters as [DeadLetter];

    const shown = await admin(['dlq', 'show', dead.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${dead.id}$`, 'm'));
    expect(shown.stdout).toMatch(new RegExp(`^webhook-id\\s+${dead.eventId}$`, 'm'));
    expect(shown.stdout).toMatch(/^error class\s+http_500$/m);
    expect(shown.stdout).toMatch(/^body\n\{"type":"webhook\.test",.*\}$/m);
    expect(shown.stdout).toMatch(/^ {2}webhook-signature\s+v1,\S+$/m);
    const attempts = shown.stdout.split('\nattempts\n')[1]?.trimEnd().split('\n') ?? [];
    expect(attempts[0]).toMatch(/^ {2}#\s+ATTEMPTED AT\s+STATUS\s+LATENCY\s+ERROR CLASS\s+ERROR\s+RESPONSE$/);
    const time = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(attempts.slice(1).map((line) => line.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['1', time],
      ['2', time],
      ['3', time],
    ]);

    const json = JSON.parse((await admin(['dlq', 'show', dead.id, '--json'])).stdout);
    expect(json).toMatchObject({ id: dead.id, webhookId: dead.eventId, attemptsLog: expect.any(Array) });
    expect(json.attemptsLog).toHaveLength(3);

    expect(await admin(['dlq', 'discard', dead.id])).toMatchObject({
      code: 0,
      stdout: `discarded ${dead.id}\n`,
    });
    expect((await admin(['dlq', 'show', dead.id])).code).toBe(4);
  });

  it('redrives chosen dead letters by id with the same webhook-id', async () => {
    const r = await receiver();
    const { deadLetters } = await deadLettersAt(r, 2);
    const [first] = deadLetters as [DeadLetter];
    const before = r.received.length;
    r.respondWithStatuses(200);

    const res = await admin(['dlq', 'redrive', first.id]);
    expect(res).toMatchObject({ code: 0, stdout: `redriven ${first.id}\n` });
    await r.waitForCount(before + 1, 60_000);
    expect(r.received.at(-1)?.headers['webhook-id']).toBe(first.eventId);

    // One unknown id among known ones: the others are still redriven, the exit code says not found.
    const unknown = 'dlv_0193aaaaaaaa7bbbbbbbbbbbbbbbbbbb';
    const mixed = await admin(['dlq', 'redrive', unknown, (deadLetters[1] as DeadLetter).id]);
    expect(mixed.code).toBe(4);
    expect(mixed.stdout).toBe(`redriven ${(deadLetters[1] as DeadLetter).id}\n`);
    expect(mixed.stderr).toMatch(
      /dead letter "dlv_0193a+7b+" not found\n.*1 of 2 dead letters were not redriven/,
    );
  });

  it('summarises dead letters by tenant, endpoint and error class', async () => {
    const { tenant, endpoint } = await deadLettersAt(await receiver(), 3);
    const res = await admin(['dlq', 'summary', '--tenant', tenant.id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^TENANT\s+ENDPOINT\s+ERROR CLASS\s+COUNT\s+FIRST FAILED\s+LAST FAILED$/m);
    expect(res.stdout).toMatch(
      new RegExp(`^${tenant.id}\\s+${endpoint.id}\\s+http_500\\s+3\\s+\\S+Z\\s+\\S+Z$`, 'm'),
    );
    expect(res.stdout).toMatch(/^total 3 dead letters$/m);
    const json = JSON.parse((await admin(['dlq', 'summary', '--tenant', tenant.id, '--json'])).stdout);
    expect(json).toMatchObject({
      total: 3,
      groups: [{ tenantId: tenant.id, endpointId: endpoint.id, count: 3 }],
    });
  });

  it('redrive --all --endpoint redrives every match in batches, showing progress, once the receiver recovers', async () => {
    const r = await receiver();
    const { endpoint, deadLetters } = await deadLettersAt(r, 5);
    const other = await deadLettersAt(await receiver(), 1);
    r.respondWithStatuses(200);
    const before = r.received.length;

    const res = await admin(['dlq', 'redrive', '--all', '--endpoint', endpoint.id, '--batch', '2']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('redriven 5 dead letters\n');
    // Not a terminal: plain progress lines, one per batch.
    expect(res.stderr).toBe('redriven 2 of 5\nredriven 4 of 5\nredriven 5 of 5\n');

    await r.waitForCount(before + 5, 60_000);
    const redelivered = r.received.slice(before).map((w) => w.headers['webhook-id']);
    expect(redelivered.sort()).toEqual(deadLetters.map((d) => d.eventId).sort());
    const left = JSON.parse((await admin(['dlq', 'ls', '--endpoint', endpoint.id, '--json'])).stdout);
    expect(left.items).toEqual([]);
    // The other endpoint's dead letter was not part of the filter.
    const untouched = JSON.parse(
      (await admin(['dlq', 'ls', '--endpoint', other.endpoint.id, '--json'])).stdout,
    );
    expect(untouched.items).toHaveLength(1);

    const json = await admin(['dlq', 'redrive', '--all', '--endpoint', endpoint.id, '--json']);
    expect(json).toMatchObject({ code: 0, stdout: '{"count":0,"remaining":0}\n' });
  });
});
