import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { readAdminToken } from '../../../functions/adapters/aws/readAdminToken.ts';

const secretsManager = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rowhook/test/admin-token';
const read = () => readAdminToken(new SecretsManagerClient({ region: 'eu-west-1' }), ARN);

beforeEach(() => secretsManager.reset());

describe('readAdminToken', () => {
  it('reads the secret named by its ARN, without surrounding whitespace', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ARN })
      .resolves({ SecretString: '  0123456789abcdef\n' });
    expect(await read()).toBe('0123456789abcdef');
  });

  it('refuses a token shorter than 16 characters, saying so', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: ' 0123456789abcde ' });
    await expect(read()).rejects.toThrow(
      'AWS call failed while reading the admin token: the admin token secret must hold at least 16 characters',
    );
  });

  it('wraps what Secrets Manager throws, retryable when throttled', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const error = await read().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error).toMatchObject({
      message: 'AWS call failed while reading the admin token: ThrottlingException: Rate exceeded',
      retryable: true,
    });
  });
});
