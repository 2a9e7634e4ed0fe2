import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecretStore } from '../../adapters/aws/SecretsManagerSecretStore.ts';
import { ENV, integer, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

export const secretsManagerClient = lazy(() => new SecretsManagerClient({}));

export const secretStore = lazy(() => {
  const env = loadEnv({
    [ENV.stage]: required,
    [ENV.secretCacheTtlMs]: integer(5 * 60_000, 0, 3_600_000),
  });
  return new SecretsManagerSecretStore(secretsManagerClient(), {
    stage: env[ENV.stage],
    cacheTtlMs: env[ENV.secretCacheTtlMs],
  });
});
