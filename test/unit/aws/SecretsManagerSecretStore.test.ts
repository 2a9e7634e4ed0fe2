import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { SecretsManagerSecretStore } from '../../../functions/adapters/aws/SecretsManagerSecretStore.ts';

const secretsManager = mockClient(SecretsManagerClient);
let now = new Date('2026-01-01T00:00:00Z');

function store(cacheTtlMs = 300_000) {
  return new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), {
    stage: 'prod',
    cacheTtlMs,
    now: () => now,
  });
}

const stored = (secrets: object[]) => ({ SecretString: JSON.stringify({ secrets }) });

beforeEach(() => {
  secretsManager.reset();
  now = new Date('2026-01-01T00:00:00Z');
});

describe('SecretsManagerSecretStore', () => {
  it('creates one secret per endpoint under rowhook/<stage>/endpoints/<id>', async () => {
    secretsManager.on(CreateSecretCommand).resolves({});
    await store().create('ep_1', 'whsec_a');
    const [call] = secretsManager.commandCalls(CreateSecretCommand);
    expect(call?.args[0].input.Name).toBe('rowhook/prod/endpoints/ep_1');
    expect(JSON.parse(call?.args[0].input.SecretString ?? '')).toEqual({
      secrets: [{ secret: 'whsec_a', createdAt: now.toISOString() }],
    });
  });

  it('serves repeated reads from the cache until the TTL runs out', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves(stored([{ secret: 'whsec_a', createdAt: now.toISOString() }]));
    const s = store(60_000);
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map([['ep_1', ['whsec_a']]]));
    expect(await s.activeSecrets(['ep_1', 'ep_1'])).toEqual(new Map([['ep_1', ['whsec_a']]]));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now = new Date(now.getTime() + 60_000);
    await s.activeSecrets(['ep_1']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('treats a missing secret as no secrets', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    expect(await store().activeSecrets(['ep_gone'])).toEqual(new Map());
  });

  it('rotates: the new secret first, the old one kept until the overlap ends', async () => {
    const created = '2025-12-01T00:00:00.000Z';
    secretsManager.on(GetSecretValueCommand).resolves(stored([{ secret: 'whsec_old', createdAt: created }]));
    secretsManager.on(PutSecretValueCommand).resolves({});
    // TTL longer than the overlap, so the last read below is served from what rotate() cached.
    const s = store(2 * 3_600_000);
    await s.rotate('ep_1', 'whsec_new', 3_600_000);
    const [call] = secretsManager.commandCalls(PutSecretValueCommand);
    expect(call?.args[0].input.SecretId).toBe('rowhook/prod/endpoints/ep_1');
    expect(JSON.parse(call?.args[0].input.SecretString ?? '')).toEqual({
      secrets: [
        { secret: 'whsec_new', createdAt: now.toISOString() },
        { secret: 'whsec_old', createdAt: created, expiresAt: '2026-01-01T01:00:00.000Z' },
      ],
    });
    // The rotating Lambda signs with both at once, and with only the new one after the overlap.
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map([['ep_1', ['whsec_new', 'whsec_old']]]));
    now = new Date('2026-01-01T01:00:00.001Z');
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map([['ep_1', ['whsec_new']]]));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reports a secret that is not in the expected shape without echoing it', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"whsec":"whsec_leak"}' });
    const error = (await store()
      .activeSecrets(['ep_1'])
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error.message).not.toContain('whsec_leak');
  });

  it('maps other failures to retryable AwsAdapterError', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(
        Object.assign(new Error('busy'), { name: 'ThrottlingException', $retryable: { throttling: true } }),
      );
    const error = (await store()
      .activeSecrets(['ep_1'])
      .catch((e: unknown) => e)) as AwsAdapterError;
    expect(error.retryable).toBe(true);
  });
});
