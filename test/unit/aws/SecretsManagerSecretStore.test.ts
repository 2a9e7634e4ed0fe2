import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
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

  it('treats a secret scheduled for deletion as no secrets, but not other invalid requests', async () => {
    const deleted = "You can't perform this operation on the secret because it was marked for deletion.";
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new InvalidRequestException({ message: deleted, $metadata: {} }))
      .rejectsOnce(new InvalidRequestException({ message: deleted, $metadata: {} }))
      .rejects(new InvalidRequestException({ message: 'something else is wrong', $metadata: {} }));
    expect(await store().activeSecrets(['ep_gone'])).toEqual(new Map());
    expect(await store().authSecret('ep_gone')).toBeUndefined();
    await expect(store().activeSecrets(['ep_1'])).rejects.toThrow(/something else is wrong/);
  });

  it('does not cache a missing secret: one created just after is used on the next read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
      .resolves(stored([{ secret: 'whsec_new', createdAt: now.toISOString() }]));
    const s = store(300_000);
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map());
    // Well within the TTL: the endpoint's secret now exists and is read again.
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map([['ep_1', ['whsec_new']]]));
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map([['ep_1', ['whsec_new']]]));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not cache a secret holding no keys', async () => {
    secretsManager.on(GetSecretValueCommand).resolves(stored([]));
    const s = store(300_000);
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map());
    expect(await s.activeSecrets(['ep_1'])).toEqual(new Map());
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
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

  describe('delete', () => {
    it('schedules all three secrets for deletion with a 7-day recovery window, never forced', async () => {
      secretsManager.on(DeleteSecretCommand).resolves({});
      await store().delete('ep_1');
      const inputs = secretsManager.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input);
      expect(inputs).toEqual([
        { SecretId: 'rowhook/prod/endpoints/ep_1', RecoveryWindowInDays: 7 },
        { SecretId: 'rowhook/prod/endpoint-auth/ep_1', RecoveryWindowInDays: 7 },
        { SecretId: 'rowhook/prod/endpoint-receiver/ep_1', RecoveryWindowInDays: 7 },
      ]);
      for (const input of inputs) expect(input.ForceDeleteWithoutRecovery).toBeUndefined();
    });

    it('accepts secrets that do not exist or are already scheduled for deletion', async () => {
      secretsManager
        .on(DeleteSecretCommand)
        .rejectsOnce(new InvalidRequestException({ message: 'already scheduled', $metadata: {} }))
        .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
      await expect(store().delete('ep_1')).resolves.toBeUndefined();
    });

    it('forgets the cached signing secrets of the endpoint', async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .resolves(stored([{ secret: 'whsec_a', createdAt: now.toISOString() }]));
      secretsManager.on(DeleteSecretCommand).resolves({});
      const s = store();
      await s.activeSecrets(['ep_1']);
      await s.delete('ep_1');
      secretsManager
        .on(GetSecretValueCommand)
        .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
      expect(await s.activeSecrets(['ep_1'])).toEqual(new Map());
    });

    it('reports other failures as AwsAdapterError', async () => {
      secretsManager
        .on(DeleteSecretCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
      await expect(store().delete('ep_1')).rejects.toBeInstanceOf(AwsAdapterError);
    });
  });

  describe('auth secret', () => {
    it('overwrites an existing auth secret under rowhook/<stage>/endpoint-auth/<id>', async () => {
      secretsManager.on(PutSecretValueCommand).resolves({});
      await store().putAuthSecret('ep_1', 'key-value');
      expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
        SecretId: 'rowhook/prod/endpoint-auth/ep_1',
        SecretString: JSON.stringify({ secret: 'key-value' }),
      });
      expect(secretsManager.commandCalls(CreateSecretCommand)).toHaveLength(0);
    });

    it('creates it when there is none yet', async () => {
      secretsManager
        .on(PutSecretValueCommand)
        .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
      secretsManager.on(CreateSecretCommand).resolves({});
      await store().putAuthSecret('ep_1', 'pw');
      const input = secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        Name: 'rowhook/prod/endpoint-auth/ep_1',
        SecretString: JSON.stringify({ secret: 'pw' }),
      });
    });

    it('reads it back, and answers undefined when there is none', async () => {
      secretsManager
        .on(GetSecretValueCommand, { SecretId: 'rowhook/prod/endpoint-auth/ep_1' })
        .resolves({ SecretString: JSON.stringify({ secret: 'pw' }) })
        .on(GetSecretValueCommand, { SecretId: 'rowhook/prod/endpoint-auth/ep_2' })
        .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
      expect(await store().authSecret('ep_1')).toBe('pw');
      expect(await store().authSecret('ep_2')).toBeUndefined();
    });

    it('reports a malformed auth secret without echoing it', async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ value: 'hunter2' }) });
      const error = (await store()
        .authSecret('ep_1')
        .catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(AwsAdapterError);
      expect(error.message).not.toContain('hunter2');
    });
  });
});
