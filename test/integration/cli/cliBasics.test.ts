import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { CLI_TEST_TIMEOUT_MS, cliFor, EMPTY_CWD, runRowhook } from './runRowhook.ts';

const harness = useTestRuntime();
const admin = (args: string[]) => cliFor(harness.runtime.apiUrl, TEST_ADMIN_TOKEN)(args);

describe('rowhook help and usage errors', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('--help lists the commands and the exit codes, exit 0', async () => {
    const res = await runRowhook(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Usage: rowhook <command>/);
    for (const command of ['dlq redrive', 'tail', 'tenants create', 'endpoints disable', 'track']) {
      expect(res.stdout).toContain(command);
    }
    expect(res.stdout).toMatch(
      /Exit codes:\n {2}0 {2}success\n {2}1 .*4xx.*\n {2}2 .*usage.*\n {2}3 .*reach.*\n {2}4 .*404/,
    );
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/, /usage: rowhook <command>/],
    [['dlq', 'ls', '--tenat', 'acme'], /unknown option --tenat/, /usage: rowhook dlq ls \[--tenant T\]/],
    [['dlq', 'show'], /missing <id>/, /usage: rowhook dlq show <id>/],
    [['dlq', 'ls', '--limit', 'lots'], /--limit "lots": expected a whole number/, /^/],
    [['dlq', 'redrive'], /missing <id> \(or --all/, /usage: rowhook dlq redrive/],
  ])('%j exits 2 with the message and the usage line', async (args, message, usage) => {
    const res = await admin(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(usage);
    expect(res.stdout).toBe('');
  });

  it('exits 3 when nothing listens at the API URL', async () => {
    const url = new URL(await closedPortUrl()).origin;
    const res = await cliFor(url, TEST_ADMIN_TOKEN)(['tenants', 'ls']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(new RegExp(`cannot reach the Rowhook API at ${url} \\(ECONNREFUSED\\)`));
  });
});

describe('rowhook tenants', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('creates a tenant, prints its API key once, and lists it', async () => {
    const created = await admin(['tenants', 'create', 'cli-acme', '--name', 'Acme CLI']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^created tenant cli-acme \(pooled\)\nAPI key \(shown once.*\): rk_\S+\n$/,
    );

    const listed = await admin(['tenants', 'ls']);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+TIER\s+CREATED AT$/);
    expect(rows.find((row) => row.startsWith('cli-acme '))).toMatch(
      /^cli-acme\s+Acme CLI\s+pooled\s+\d{4}-\d\d-\d\dT[\d:]+Z$/,
    );
  });

  it('--json prints the API answer as is', async () => {
    const res = await admin(['tenants', 'create', 'cli-json', '--json']);
    expect(res.code).toBe(0);
    const body = JSON.parse(res.stdout);
    expect(body).toMatchObject({
      id: 'cli-json',
      name: 'cli-json',
      tier: 'pooled',
      apiKey: expect.stringMatching(/^rk_/),
    });
    const listed = JSON.parse((await admin(['tenants', 'ls', '--json'])).stdout);
    expect(listed.items.map((t: { id: string }) => t.id)).toContain('cli-json');
  });

  it('exits 1 with the API message when the API refuses (duplicate id, bad tier)', async () => {
    await admin(['tenants', 'create', 'cli-dup']);
    const dup = await admin(['tenants', 'create', 'cli-dup']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^rowhook: .*cli-dup.*\n$/);
    const tier = await admin(['tenants', 'create', 'cli-tier', '--tier', 'gold']);
    expect(tier.code).toBe(1);
    expect(tier.stderr).toMatch(/tier/);
  });

  it('exits 1 for a wrong token and never prints the token', async () => {
    const secret = 'wrong-admin-token-0123456789';
    const res = await cliFor(harness.runtime.apiUrl, secret)(['tenants', 'ls']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/the admin token is not valid/);
    expect(res.stdout + res.stderr).not.toContain(secret);
  });

  it("uses the local runtime's .rowhook/admin-token in the current folder when no token is given", async () => {
    const dir = path.join(EMPTY_CWD, 'project');
    mkdirSync(path.join(dir, '.rowhook'), { recursive: true });
    writeFileSync(path.join(dir, '.rowhook', 'admin-token'), `${TEST_ADMIN_TOKEN}\n`);
    const withFile = await runRowhook(['tenants', 'ls'], {
      cwd: dir,
      env: { ROWHOOK_URL: harness.runtime.apiUrl },
    });
    expect(withFile.code).toBe(0);
    expect(withFile.stdout).toMatch(/^ID\s+NAME/);
    expect(withFile.stdout + withFile.stderr).not.toContain(TEST_ADMIN_TOKEN);

    const without = await runRowhook(['tenants', 'ls'], { env: { ROWHOOK_URL: harness.runtime.apiUrl } });
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/no token: pass --token, set ROWHOOK_TOKEN/);
  });
});

describe('rowhook endpoints with a tenant API key', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('creates, shows, disables, enables, lists and deletes an endpoint', async () => {
    const tenant = await harness.api.createTenant('cli-endpoints');
    const cli = cliFor(harness.runtime.apiUrl, tenant.apiKey);

    const created = await cli([
      'endpoints',
      'create',
      'http://127.0.0.1:9/hooks',
      '--description',
      'orders hook',
      '--event-types',
      'orders.*,invoices.paid',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const endpoint = JSON.parse(created.stdout);
    expect(endpoint).toMatchObject({
      eventTypes: ['orders.*', 'invoices.paid'],
      secret: expect.stringMatching(/^whsec_/),
    });

    const shown = await cli(['endpoints', 'show', endpoint.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^id\s+ep_\S+$/m);
    expect(shown.stdout).toMatch(/^event types\s+orders\.\*, invoices\.paid$/m);
    expect(shown.stdout).toMatch(/^enabled\s+yes$/m);

    expect((await cli(['endpoints', 'disable', endpoint.id])).stdout).toBe(`disabled ${endpoint.id}\n`);
    expect((await cli(['endpoints', 'ls'])).stdout).toMatch(
      new RegExp(`^${endpoint.id}\\s+http://127\\.0\\.0\\.1:9/hooks\\s+no\\s`, 'm'),
    );
    expect((await cli(['endpoints', 'enable', endpoint.id])).stdout).toBe(`enabled ${endpoint.id}\n`);

    const deleted = await cli(['endpoints', 'delete', endpoint.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${endpoint.id}\n` });
    const gone = await cli(['endpoints', 'show', endpoint.id]);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/endpoint .* not found/);
  });

  it('exits 1 with the API message for an endpoint URL the API refuses', async () => {
    const tenant = await harness.api.createTenant('cli-endpoints-bad');
    const res = await cliFor(
      harness.runtime.apiUrl,
      tenant.apiKey,
    )(['endpoints', 'create', 'ftp://example.com/x']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^rowhook: .*(http|https)/);
  });

  it('refuses operator-only flags where no operator route exists (exit 2)', async () => {
    const res = await admin(['endpoints', 'delete', 'ep_x', '--tenant', 'acme']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/tenant's own API key/);
  });
});

describe('rowhook dlq against an empty dead-letter queue', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('exits 4 for an unknown dead letter, on show, redrive and discard', async () => {
    const id = 'dlv_0193aaaaaaaa7bbbbbbbbbbbbbbbbbbb';
    for (const args of [
      ['dlq', 'show', id],
      ['dlq', 'redrive', id],
      ['dlq', 'discard', id],
    ]) {
      const res = await admin(args);
      expect(res.code).toBe(4);
      expect(res.stderr).toContain(`rowhook: dead letter "${id}" not found`);
    }
  });

  it('exits 1 when a tenant key asks for an operator route', async () => {
    const tenant = await harness.api.createTenant('cli-not-operator');
    const res = await cliFor(harness.runtime.apiUrl, tenant.apiKey)(['dlq', 'ls']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/this route is for operators/);
  });
});
