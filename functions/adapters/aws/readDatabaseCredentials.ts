import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { toAwsError } from './errors.ts';
import type { DatabaseCredentials } from './migrations/ensureTenantRole.ts';

/** `username` and `password` from a database secret (the JSON form RDS and the Data API use). */
export async function readDatabaseCredentials(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<DatabaseCredentials> {
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.SecretString ?? '');
    } catch {
      throw new Error('the database secret is not JSON with "username" and "password"');
    }
    const { username, password } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '')
      throw new Error('the database secret must hold non-empty "username" and "password" strings');
    return { username, password };
  } catch (error) {
    throw toAwsError(error, 'reading the database credentials');
  }
}
