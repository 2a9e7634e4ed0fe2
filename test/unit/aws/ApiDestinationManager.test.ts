import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ApiDestinationManager,
  DedicatedQuotaError,
} from '../../../functions/adapters/aws/ApiDestinationManager.ts';
import type { DedicatedEndpoint } from '../../../functions/adapters/aws/DedicatedEndpoint.ts';

const eventBridge = mockClient(EventBridgeClient);
const notFound = () => new ResourceNotFoundException({ message: 'nope', $metadata: {} });
const CONNECTION_ARN = 'arn:aws:events:eu-west-1:1:connection/rowhook-prod-ep_1/abc';
const DESTINATION_ARN = 'arn:aws:events:eu-west-1:1:api-destination/rowhook-prod-ep_1/def';

const manager = () =>
  new ApiDestinationManager(new EventBridgeClient({ region: 'eu-west-1' }), {
    stage: 'prod',
    eventBusName: 'rowhook-prod',
    invokeRoleArn: 'arn:aws:iam::1:role/invoke',
    deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:1:rowhook-prod-dedicated-dlq',
  });

const endpoint: DedicatedEndpoint = {
  endpointId: 'ep_1',
  tenantId: 'acme',
  url: 'https://hooks.example.com/in',
  rateLimitPerSecond: 25,
  auth: null,
};

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutRuleCommand).resolves({ RuleArn: 'arn:rule' });
  eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
});

describe('ApiDestinationManager', () => {
  it('creates a placeholder API-key connection, a rate-limited destination and a rule with signed headers', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(CreateApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });

    expect(await manager().upsert(endpoint)).toBe(DESTINATION_ARN);

    const connection = eventBridge.commandCalls(CreateConnectionCommand)[0]?.args[0].input;
    expect(connection).toMatchObject({ Name: 'rowhook-prod-ep_1', AuthorizationType: 'API_KEY' });
    expect(connection?.AuthParameters?.ApiKeyAuthParameters?.ApiKeyName).toBeTruthy();
    expect(eventBridge.commandCalls(CreateApiDestinationCommand)[0]?.args[0].input).toMatchObject({
      Name: 'rowhook-prod-ep_1',
      ConnectionArn: CONNECTION_ARN,
      InvocationEndpoint: 'https://hooks.example.com/in',
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 25,
    });
    const rule = eventBridge.commandCalls(PutRuleCommand)[0]?.args[0].input;
    expect(rule).toMatchObject({ Name: 'rowhook-prod-ep_1', EventBusName: 'rowhook-prod', State: 'ENABLED' });
    expect(JSON.parse(rule?.EventPattern ?? '')).toEqual({
      source: ['rowhook'],
      'detail-type': ['rowhook.delivery'],
      detail: { endpointId: ['ep_1'], transport: ['api-destination'] },
    });
    const target = eventBridge.commandCalls(PutTargetsCommand)[0]?.args[0].input.Targets?.[0];
    expect(target?.InputTransformer).toBeUndefined();
    expect(target).toMatchObject({
      Arn: DESTINATION_ARN,
      RoleArn: 'arn:aws:iam::1:role/invoke',
      HttpParameters: {
        HeaderParameters: {
          'webhook-id': '$.detail.headers.webhook-id',
          'webhook-timestamp': '$.detail.headers.webhook-timestamp',
          'webhook-signature': '$.detail.headers.webhook-signature',
          'webhook-sequence': '$.detail.sequence',
        },
      },
      // The body as a JSON value (EventBridge minifies it; the relay signed that form), never a
      // string through an input template: templates need strings quoted and do not escape them.
      InputPath: '$.detail.payload',
      RetryPolicy: { MaximumEventAgeInSeconds: 300 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:1:rowhook-prod-dedicated-dlq' },
    });
  });

  it('updates existing resources in place (OAuth client credentials)', async () => {
    eventBridge.on(DescribeConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(DescribeApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });
    eventBridge.on(UpdateConnectionCommand).resolves({});
    eventBridge.on(UpdateApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });

    await manager().upsert({
      ...endpoint,
      url: 'https://hooks.example.com/v2',
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        authorizationEndpoint: 'https://auth.example.com/token',
        clientId: 'id',
        clientSecret: 'secret',
        httpMethod: 'POST',
        bodyParameters: { scope: 'webhooks' },
      },
    });
    expect(eventBridge.commandCalls(CreateConnectionCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(CreateApiDestinationCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(UpdateConnectionCommand)[0]?.args[0].input).toMatchObject({
      AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
      AuthParameters: {
        OAuthParameters: {
          AuthorizationEndpoint: 'https://auth.example.com/token',
          ClientParameters: { ClientID: 'id', ClientSecret: 'secret' },
          OAuthHttpParameters: {
            BodyParameters: [{ Key: 'scope', Value: 'webhooks', IsValueSecret: false }],
          },
        },
      },
    });
    expect(eventBridge.commandCalls(UpdateApiDestinationCommand)[0]?.args[0].input.InvocationEndpoint).toBe(
      'https://hooks.example.com/v2',
    );
  });

  it('deletes target, rule, destination and connection, ignoring ones already gone', async () => {
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).rejects(notFound());
    eventBridge.on(DeleteApiDestinationCommand).resolves({});
    eventBridge.on(DeleteConnectionCommand).resolves({});
    await manager().remove('ep_1');
    expect(eventBridge.commandCalls(RemoveTargetsCommand)[0]?.args[0].input).toEqual({
      Rule: 'rowhook-prod-ep_1',
      EventBusName: 'rowhook-prod',
      Ids: ['api-destination'],
    });
    expect(eventBridge.commandCalls(DeleteApiDestinationCommand)[0]?.args[0].input.Name).toBe(
      'rowhook-prod-ep_1',
    );
    expect(eventBridge.commandCalls(DeleteConnectionCommand)[0]?.args[0].input.Name).toBe(
      'rowhook-prod-ep_1',
    );
  });

  it('turns a quota error into a non-retryable DedicatedQuotaError', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge
      .on(CreateApiDestinationCommand)
      .rejects(Object.assign(new Error('limit'), { name: 'LimitExceededException', $metadata: {} }));
    const error = await manager()
      .upsert(endpoint)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DedicatedQuotaError);
    expect((error as DedicatedQuotaError).retryable).toBe(false);
  });

  const limitExceeded = () =>
    Object.assign(new Error('limit'), { name: 'LimitExceededException', $metadata: {} });

  it('deletes the connection and API destination it created when the rule quota is reached', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(CreateApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });
    eventBridge.on(PutRuleCommand).rejects(limitExceeded());
    eventBridge.on(DeleteApiDestinationCommand).resolves({});
    eventBridge.on(DeleteConnectionCommand).resolves({});
    const error = await manager()
      .upsert(endpoint)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DedicatedQuotaError);
    expect(eventBridge.commandCalls(DeleteApiDestinationCommand)[0]?.args[0].input.Name).toBe(
      'rowhook-prod-ep_1',
    );
    expect(eventBridge.commandCalls(DeleteConnectionCommand)[0]?.args[0].input.Name).toBe(
      'rowhook-prod-ep_1',
    );
    // Destination first: it references the connection.
    const order = eventBridge
      .calls()
      .map((c) => c.args[0].constructor.name)
      .filter((n) => n.startsWith('Delete'));
    expect(order).toEqual(['DeleteApiDestinationCommand', 'DeleteConnectionCommand']);
    expect(eventBridge.commandCalls(PutTargetsCommand)).toHaveLength(0);
  });

  it('deletes the connection it created when the API destination quota is reached', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(CreateApiDestinationCommand).rejects(limitExceeded());
    eventBridge.on(DeleteConnectionCommand).resolves({});
    await expect(manager().upsert(endpoint)).rejects.toBeInstanceOf(DedicatedQuotaError);
    expect(eventBridge.commandCalls(DeleteApiDestinationCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(DeleteConnectionCommand)).toHaveLength(1);
  });

  it('keeps resources that existed before the upsert when the rule quota is reached', async () => {
    eventBridge.on(DescribeConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(DescribeApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });
    eventBridge.on(UpdateConnectionCommand).resolves({});
    eventBridge.on(UpdateApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });
    eventBridge.on(PutRuleCommand).rejects(limitExceeded());
    await expect(manager().upsert(endpoint)).rejects.toBeInstanceOf(DedicatedQuotaError);
    expect(eventBridge.commandCalls(DeleteApiDestinationCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(DeleteConnectionCommand)).toHaveLength(0);
  });

  it('still throws the quota error when the cleanup fails', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: CONNECTION_ARN });
    eventBridge.on(CreateApiDestinationCommand).resolves({ ApiDestinationArn: DESTINATION_ARN });
    eventBridge.on(PutRuleCommand).rejects(limitExceeded());
    eventBridge.on(DeleteApiDestinationCommand).rejects(new Error('throttled'));
    eventBridge.on(DeleteConnectionCommand).resolves({});
    const error = await manager()
      .upsert(endpoint)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DedicatedQuotaError);
    expect((error as { cleanupErrors?: unknown[] }).cleanupErrors).toHaveLength(1);
    // The connection is still attempted after the destination's deletion failed.
    expect(eventBridge.commandCalls(DeleteConnectionCommand)).toHaveLength(1);
  });

  it('keeps resource names within EventBridge limits', () => {
    const name = manager().resourceName(`ep_${'x'.repeat(80)}`);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[.\-_A-Za-z0-9]+$/);
  });
});
