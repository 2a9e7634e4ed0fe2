import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoSubscriptionStore } from '../../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { SecretsManagerSecretStore } from '../../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { OPERATIONAL_EVENT_TYPES, OPERATOR_ENDPOINT } from '../../../functions/core/health/constants.ts';
import {
  createOperatorEndpointHandler,
  OPERATOR_ENDPOINT_PHYSICAL_ID,
} from '../../../functions/handlers/createOperatorEndpointHandler.ts';
import { respondToCloudFormation } from '../../../functions/handlers/respondToCloudFormation.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

// The custom resource against the real DynamoDB adapter (dynalite) and the real Secrets Manager
// adapter over a mocked client that keeps secrets in a map, like the service.
const secretsManager = mockClient(SecretsManagerClient);
const { tenantId, endpointId } = OPERATOR_ENDPOINT;
const SECRET_NAME = `rowhook/test/endpoints/${endpointId}`;

let dynamo: Dynalite;
let cloudFormation: TestReceiver;
beforeAll(async () => {
  [dynamo, cloudFormation] = await Promise.all([startDynalite(), new TestReceiver().start()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.close(), cloudFormation?.stop()]);
});

let tables = 0;
let vault: Map<string, string>;
let subscriptions: DynamoSubscriptionStore;
let handler: ReturnType<typeof createOperatorEndpointHandler>;
const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

beforeEach(async () => {
  const tableName = `operator-endpoint-${++tables}`;
  await dynamo.createTable(tableName);
  subscriptions = new DynamoSubscriptionStore({ client: dynamo.client, tableName });
  vault = new Map();
  secretsManager.reset();
  secretsManager.on(CreateSecretCommand).callsFake(async (input: CreateSecretCommandInput) => {
    const name = input.Name ?? '';
    if (vault.has(name)) throw new ResourceExistsException({ message: 'exists', $metadata: {} });
    vault.set(name, input.SecretString ?? '');
    return {};
  });
  secretsManager.on(PutSecretValueCommand).callsFake(async (input: PutSecretValueCommandInput) => {
    vault.set(input.SecretId ?? '', input.SecretString ?? '');
    return {};
  });
  secretsManager.on(GetSecretValueCommand).callsFake(async (input: { SecretId?: string }) => {
    const value = vault.get(input.SecretId ?? '');
    if (value === undefined) throw new ResourceNotFoundException({ message: 'missing', $metadata: {} });
    return { SecretString: value };
  });
  // No cache: each request of the test reads what the previous one wrote, as separate invocations would.
  const secrets = new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), {
    stage: 'test',
    cacheTtlMs: 0,
  });
  handler = createOperatorEndpointHandler({ subscriptions, secrets, logger });
});

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  url: string,
  responseUrl = 'https://cloudformation.invalid/response',
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:operator',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Rowhook-test/1',
    RequestId: `req-${requestType}`,
    LogicalResourceId: 'OperatorEndpoint',
    ResourceType: 'Custom::RowhookOperatorEndpoint',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:operator', Url: url },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID,
      OldResourceProperties: { ServiceToken: common.ServiceToken, Url: 'https://old.example.com/' },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID };
}

const storedSecrets = () =>
  (JSON.parse(vault.get(SECRET_NAME) ?? '{"secrets":[]}') as { secrets: { secret: string }[] }).secrets.map(
    (s) => s.secret,
  );

describe('operator endpoint custom resource', () => {
  it('Create makes the reserved tenant and a pooled endpoint for the operational events, with a generated secret', async () => {
    const result = await handler(event('Create', 'https://ops.example.com/hooks'));
    expect(result).toEqual({
      PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID,
      Data: { TenantId: tenantId, EndpointId: endpointId },
    });
    expect(await subscriptions.getTenant(tenantId)).toMatchObject({ id: tenantId, tier: 'pooled' });
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({
      url: 'https://ops.example.com/hooks',
      enabled: true,
      eventTypes: Object.values(OPERATIONAL_EVENT_TYPES),
    });
    expect(storedSecrets()).toEqual([expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{32,}$/)]);
    expect(secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input.Name).toBe(SECRET_NAME);
  });

  it('Update changes the URL and keeps the secret the operator already verifies with', async () => {
    await handler(event('Create', 'https://ops.example.com/hooks'));
    const [secret] = storedSecrets();
    await handler(event('Update', 'https://ops.example.com/v2'));
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({
      url: 'https://ops.example.com/v2',
      enabled: true,
    });
    expect(storedSecrets()).toEqual([secret]);
  });

  it('Delete disables the endpoint and keeps its secret; a later Create re-enables it with the same secret', async () => {
    await handler(event('Create', 'https://ops.example.com/hooks'));
    const [secret] = storedSecrets();
    await handler(event('Delete', 'https://ops.example.com/hooks'));
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({
      enabled: false,
      disabledReason: expect.stringMatching(/not set/),
    });
    expect(secretsManager.commandCalls(DeleteSecretCommand)).toHaveLength(0);
    await handler(event('Create', 'https://ops.example.com/again'));
    expect(await subscriptions.getEndpoint(tenantId, endpointId)).toMatchObject({
      url: 'https://ops.example.com/again',
      enabled: true,
    });
    expect(storedSecrets()).toEqual([secret]);
  });

  it('Delete before anything was created succeeds and creates nothing', async () => {
    await handler(event('Delete', 'https://ops.example.com/hooks'));
    expect(await subscriptions.getTenant(tenantId)).toBeUndefined();
    expect(vault.size).toBe(0);
  });

  it('refuses a non-https URL with the setting named', async () => {
    await expect(handler(event('Create', 'http://ops.example.com/'))).rejects.toThrow(
      /must be an https:\/\/ URL \(rowhook:operatorWebhookUrl\)/,
    );
    expect(await subscriptions.getTenant(tenantId)).toBeUndefined();
  });
});

describe('respondToCloudFormation', () => {
  it('PUTs SUCCESS with the physical id and data to the response URL', async () => {
    const respond = respondToCloudFormation(handler, logger, OPERATOR_ENDPOINT_PHYSICAL_ID);
    const before = cloudFormation.received.length;
    await respond(event('Create', 'https://ops.example.com/hooks', `${cloudFormation.url}/cfn`));
    const body = JSON.parse(cloudFormation.received[before]?.body ?? '{}');
    expect(body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID,
      RequestId: 'req-Create',
      LogicalResourceId: 'OperatorEndpoint',
      Data: { EndpointId: endpointId },
    });
  });

  it('PUTs FAILED with the reason when the resource throws, so the deploy stops with it', async () => {
    const respond = respondToCloudFormation(handler, logger, OPERATOR_ENDPOINT_PHYSICAL_ID);
    const before = cloudFormation.received.length;
    await respond(event('Create', 'ftp://ops.example.com/', `${cloudFormation.url}/cfn`));
    const body = JSON.parse(cloudFormation.received[before]?.body ?? '{}');
    expect(body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/https/),
      PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID,
    });
  });
});
