import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretStore } from '../../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { createSigner } from '../../../functions/core/signing/createSigner.ts';
import { generateEd25519KeyPair } from '../../../functions/core/signing/ed25519Keys.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';

// The AWS store keeps a v1a secret key exactly as it keeps a v1 secret: one more string in the
// endpoint's Secrets Manager secret (KMS-encrypted there), read back by the deliver Lambda.
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
});

describe('SecretsManagerSecretStore with v1a keys', () => {
  it('stores a whsk_ key, rotates from v1 into it, and serves both for signing during the overlap', async () => {
    let value: string | undefined;
    secretsManager.on(CreateSecretCommand).callsFake((input) => {
      value = input.SecretString;
      return {};
    });
    secretsManager.on(PutSecretValueCommand).callsFake((input) => {
      value = input.SecretString;
      return {};
    });
    secretsManager.on(GetSecretValueCommand).callsFake(() => ({ SecretString: value }));
    let now = new Date('2026-01-01T00:00:00Z');
    const store = () =>
      new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), {
        stage: 'prod',
        cacheTtlMs: 0,
        now: () => now,
      });

    const v1 = generateSecret();
    const { secretKey } = generateEd25519KeyPair();
    await store().create('ep_1', v1);
    now = new Date(now.getTime() + 1_000);
    await store().rotate('ep_1', secretKey, 3_600_000);

    const active = (await store().activeSecrets(['ep_1'])).get('ep_1');
    expect(active).toEqual([secretKey, v1]);
    const header = createSigner(active ?? [])({ id: 'evt_1', timestamp: 1_767_225_601, body: '{}' });
    expect(header.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1']);
  });
});
