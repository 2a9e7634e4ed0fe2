import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSecretStore } from '../../../functions/adapters/pg/PgSecretStore.ts';
import { PgSubscriptionStore } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';
import { OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import { startTestRuntime, TEST_SECRET_KEY } from '../../support/startTestRuntime.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// The reserved operator endpoint follows the configuration from one start to the next.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const secret = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;

async function operatorEndpoint() {
  const subscriptions = new PgSubscriptionStore(database.db);
  const secrets = new PgSecretStore(database.db, {
    cipher: new SecretCipher(Buffer.from(TEST_SECRET_KEY, 'base64')),
  });
  const endpoint = await subscriptions.getEndpoint(OPERATOR_ENDPOINT.tenantId, OPERATOR_ENDPOINT.endpointId);
  const active = (await secrets.activeSecrets([OPERATOR_ENDPOINT.endpointId])).get(
    OPERATOR_ENDPOINT.endpointId,
  );
  return { tenant: await subscriptions.getTenant(OPERATOR_ENDPOINT.tenantId), endpoint, active };
}

async function startAndStop(env: Record<string, string>) {
  const runtime = await startTestRuntime(database.url, env);
  await runtime.stop();
}

describe('the operator endpoint at start-up', () => {
  it('is not created while no operator webhook is configured', async () => {
    await startAndStop({});
    expect(await operatorEndpoint()).toEqual({ tenant: undefined, endpoint: undefined, active: undefined });
  });

  it('is created, then follows a changed URL and secret, then is disabled when unset', async () => {
    await startAndStop({
      ROWHOOK_OPERATOR_WEBHOOK_URL: 'https://ops.example.com/a',
      ROWHOOK_OPERATOR_WEBHOOK_SECRET: secret(1),
    });
    const first = await operatorEndpoint();
    expect(first.tenant).toMatchObject({
      id: OPERATOR_ENDPOINT.tenantId,
      name: expect.stringMatching(/reserved/),
    });
    expect(first.endpoint).toMatchObject({
      url: 'https://ops.example.com/a',
      enabled: true,
      eventTypes: ['endpoint.disabled', 'message.attempt.exhausted', 'endpoint.recovered'],
    });
    expect(first.active).toEqual([secret(1)]);

    await startAndStop({
      ROWHOOK_OPERATOR_WEBHOOK_URL: 'https://ops.example.com/b',
      ROWHOOK_OPERATOR_WEBHOOK_SECRET: secret(2),
    });
    const second = await operatorEndpoint();
    expect(second.endpoint).toMatchObject({ url: 'https://ops.example.com/b', enabled: true });
    // The new secret alone: the operator's receiver verifies with the one it was given.
    expect(second.active).toEqual([secret(2)]);

    await startAndStop({});
    expect((await operatorEndpoint()).endpoint).toMatchObject({
      enabled: false,
      disabledReason: 'ROWHOOK_OPERATOR_WEBHOOK_URL is not set',
    });

    await startAndStop({
      ROWHOOK_OPERATOR_WEBHOOK_URL: 'https://ops.example.com/b',
      ROWHOOK_OPERATOR_WEBHOOK_SECRET: secret(2),
    });
    expect((await operatorEndpoint()).endpoint).toMatchObject({ enabled: true, disabledReason: null });
  });
});
