import { SecretsManagerSecretStore } from '../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { secretsManagerFake } from '../support/secretsManagerFake.ts';
import { type EndpointSeeder, unique } from './contractSupport.ts';
import { secretStoreContract } from './SecretStoreContract.ts';

// Secrets Manager keeps secrets by name and knows nothing of endpoints: any id will do.
const anyEndpoint: EndpointSeeder = {
  async endpoint(tenantId, id = unique('ep')) {
    const now = new Date();
    return {
      id,
      tenantId,
      url: `https://example.com/hooks/${id}`,
      description: '',
      eventTypes: null,
      filter: null,
      enabled: true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
  },
};

// A fresh (empty) Secrets Manager per test, and a store with its default read cache.
secretStoreContract(
  'SecretsManagerSecretStore',
  async () => ({
    secrets: new SecretsManagerSecretStore(secretsManagerFake().client, { stage: 'test' }),
    seed: anyEndpoint,
  }),
  { authSecrets: true },
);
