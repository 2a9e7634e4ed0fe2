import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { toAwsError } from './errors.ts';

/** The admin token opens every tenant's data: a short one could be guessed. */
const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The operators' admin token from the secret the stack keeps it in (surrounding whitespace dropped). */
export async function readAdminToken(client: SecretsManagerClient, secretArn: string): Promise<string> {
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const token = response.SecretString?.trim() ?? '';
    if (token.length < MIN_ADMIN_TOKEN_LENGTH)
      throw new Error(`the admin token secret must hold at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    return token;
  } catch (error) {
    throw toAwsError(error, 'reading the admin token');
  }
}
