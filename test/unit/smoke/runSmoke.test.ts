import { describe, expect, it } from 'vitest';
import { SMOKE_EXIT } from '../../../functions/smoke/constants.ts';
import { exitCodeOf } from '../../../functions/smoke/decideSmoke.ts';
import { runSmoke } from '../../../functions/smoke/runSmoke.ts';
import { FakeCanary } from './fakeCanary.ts';

const options = { stack: 'Rowhook-dev', runId: 'run1', receiverUrl: 'https://rx.lambda-url.test/' };

describe('runSmoke', () => {
  it('verifies both paths and cleans everything up', async () => {
    const world = new FakeCanary();
    const report = await runSmoke(world.dependencies, options);
    expect(report.error).toBeNull();
    expect(report.results.map((r) => [r.path, r.verified, r.latencyMs])).toEqual([
      ['pooled', true, 300],
      ['dedicated', true, 700],
    ]);
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.verified);
    expect(world.endpoints.size).toBe(0);
    expect(world.runs.size).toBe(0);
    expect(world.rows).toBe(0);
  });

  it('keeps the tenant it created and reuses it on the next run (tenants cannot be deleted)', async () => {
    const world = new FakeCanary();
    await runSmoke(world.dependencies, options);
    expect(world.tenant).toEqual({ tenantId: 'canary-run1', apiKey: 'rwk_canary-run1' });
    const report = await runSmoke(world.dependencies, { ...options, runId: 'run2' });
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.verified);
    expect(world.tenantsCreated).toBe(1);
    expect(world.tenant?.tenantId).toBe('canary-run1');
  });

  it('replaces a kept tenant whose key the API refuses', async () => {
    const world = new FakeCanary();
    world.tenant = { tenantId: 'canary-old', apiKey: 'rwk_old' };
    world.revokedKeys.add('rwk_old');
    const report = await runSmoke(world.dependencies, options);
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.verified);
    expect(world.tenant).toEqual({ tenantId: 'canary-run1', apiKey: 'rwk_canary-run1' });
    expect(world.tenantsCreated).toBe(1);
  });

  it('does not replace a tenant it just created when its key is refused', async () => {
    const world = new FakeCanary();
    world.revokedKeys.add('rwk_canary-run1');
    const report = await runSmoke(world.dependencies, options);
    expect(report.error).toBe('create the pooled endpoint: POST /v1/endpoints answered 401');
    expect(world.tenantsCreated).toBe(1);
  });

  it('points one pooled and one API-destination endpoint at the receiver, per run', async () => {
    const world = new FakeCanary();
    const created: Array<{ url: string; transport: string }> = [];
    const createEndpoint = world.api.createEndpoint;
    world.api.createEndpoint = async (key, input) => {
      created.push({ url: input.url, transport: input.transport });
      return createEndpoint(key, input);
    };
    await runSmoke(world.dependencies, options);
    expect(created).toEqual([
      { url: 'https://rx.lambda-url.test/run1/pooled', transport: 'pooled' },
      { url: 'https://rx.lambda-url.test/run1/dedicated', transport: 'api-destination' },
    ]);
  });

  it('writes the row only once the dedicated endpoint is an API destination', async () => {
    const world = new FakeCanary();
    world.dedicated = [
      { status: 'pending', reason: null },
      { status: 'pending', reason: null },
      { status: 'active', reason: null },
    ];
    await runSmoke(world.dependencies, options);
    const insert = world.calls.indexOf('insertRow');
    expect(world.calls.filter((c, i) => c === 'dedicatedState' && i < insert)).toHaveLength(3);
  });

  it('fails the dedicated path when the endpoint fell back to pooled, still proving the pooled one', async () => {
    const world = new FakeCanary();
    world.dedicated = [{ status: 'fallback-pooled', reason: 'LimitExceededException: quota' }];
    const report = await runSmoke(world.dependencies, options);
    expect(report.results.find((r) => r.path === 'pooled')?.verified).toBe(true);
    expect(report.results.find((r) => r.path === 'dedicated')?.problem).toContain('LimitExceededException');
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });

  it('gives up on a path after the delivery deadline', async () => {
    const world = new FakeCanary();
    world.latencyMs = { pooled: 300 };
    const report = await runSmoke(world.dependencies, {
      ...options,
      deliveryTimeoutMs: 10_000,
      pollIntervalMs: 1_000,
    });
    expect(report.results.find((r) => r.path === 'dedicated')).toMatchObject({
      delivered: false,
      verified: false,
    });
    expect(world.calls.filter((c) => c === 'insertRow')).toHaveLength(1);
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
    expect(world.endpoints.size).toBe(0);
  });

  it('fails a path whose signature the receiver refused', async () => {
    const world = new FakeCanary();
    world.invalid.add('dedicated');
    const report = await runSmoke(world.dependencies, options);
    expect(report.results.find((r) => r.path === 'dedicated')).toMatchObject({
      delivered: true,
      signatureValid: false,
    });
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });

  it('cleans up what it created when a step fails, and names the step', async () => {
    const world = new FakeCanary();
    world.fail.insertRow = new Error('DatabaseResumingException');
    const report = await runSmoke(world.dependencies, options);
    expect(report.error).toBe('write the canary row: DatabaseResumingException');
    expect(report.results).toEqual([]);
    expect(world.endpoints.size).toBe(0);
    expect(world.runs.size).toBe(0);
    expect(world.calls).toContain('deleteRows');
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });

  it('deletes the endpoint already created when the second one cannot be', async () => {
    const world = new FakeCanary();
    world.fail['createEndpoint:api-destination'] = new Error('429 too many requests');
    const report = await runSmoke(world.dependencies, options);
    expect(report.error).toBe('create the dedicated endpoint: 429 too many requests');
    expect(world.endpoints.size).toBe(0);
    expect(world.calls).not.toContain('insertRow');
    expect(world.calls).not.toContain('deleteRows');
  });

  it('reports cleanup failures as leftovers and fails the run', async () => {
    const world = new FakeCanary();
    world.fail['deleteEndpoint:ep_2'] = new Error('503');
    const report = await runSmoke(world.dependencies, options);
    expect(report.results.every((r) => r.verified)).toBe(true);
    expect(report.cleanupErrors).toEqual(['delete the dedicated endpoint ep_2: 503']);
    expect(world.runs.size).toBe(0);
    expect(exitCodeOf(report)).toBe(SMOKE_EXIT.failed);
  });
});
