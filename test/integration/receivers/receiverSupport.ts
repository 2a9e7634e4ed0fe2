import { afterAll, beforeAll, expect } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { loadConfig } from '../../../functions/local/loadConfig.ts';
import { apiClient, TEST_ADMIN_TOKEN, TEST_SECRET_KEY } from '../../support/startTestRuntime.ts';
import type { ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

export interface LoggedHarness {
  database: TestDatabase;
  runtime: LocalRuntime;
  api: ReturnType<typeof apiClient>;
  /** Every log entry the runtime wrote, serialized, to check no secret reaches the log. */
  logs: string[];
}

/** Like useTestRuntime, with the runtime's log captured. */
export function useLoggedRuntime(env: Record<string, string> = {}): LoggedHarness {
  const harness = { logs: [] as string[] } as LoggedHarness;
  beforeAll(async () => {
    harness.database = await createTestDatabase();
    const config = loadConfig({
      ROWHOOK_PORT: '0',
      ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      ROWHOOK_RETRY_SCHEDULE: '100ms,100ms',
      ROWHOOK_POLL_INTERVAL: '50ms',
      ROWHOOK_SWEEP_INTERVAL: '250ms',
      ROWHOOK_NUDGE_INTERVAL: '0ms',
      ROWHOOK_DELIVERY_TIMEOUT: '5s',
      ROWHOOK_SECRET_KEY: TEST_SECRET_KEY,
      ...env,
    });
    harness.runtime = await createLocalRuntime(
      { ...config, databaseUrl: harness.database.url, adminToken: TEST_ADMIN_TOKEN },
      (entry) => harness.logs.push(JSON.stringify(entry)),
    );
    harness.api = apiClient(harness.runtime.apiUrl);
  });
  afterAll(async () => {
    await harness.runtime?.stop();
    await harness.database?.drop();
  });
  return harness;
}

/** Sends the endpoint a test event and waits for the receiver to get it. */
export async function sendTest(
  harness: { api: ReturnType<typeof apiClient> },
  receiver: TestReceiver,
  apiKey: string,
  endpointId: string,
): Promise<ReceivedWebhook> {
  const before = receiver.received.length;
  const sent = await harness.api.call('POST', `/v1/endpoints/${endpointId}/test`, apiKey);
  expect(sent.status).toBe(202);
  await receiver.waitForCount(before + 1);
  const webhook = receiver.received[before];
  if (!webhook) throw new Error('no webhook');
  return webhook;
}

/** The delivery attempts of an endpoint, newest first, as the API shows them. */
export async function attemptsOf(
  harness: { api: ReturnType<typeof apiClient> },
  apiKey: string,
  endpointId: string,
) {
  const res = await harness.api.call('GET', `/v1/endpoints/${endpointId}/deliveries`, apiKey);
  expect(res.status).toBe(200);
  return res.json.items as {
    status: number | null;
    errorClass: string | null;
    errorMessage: string | null;
    attempt: number;
  }[];
}
