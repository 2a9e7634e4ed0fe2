import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiDestinationManager } from '../../../functions/adapters/aws/ApiDestinationManager.ts';
import {
  type DedicatedEndpoint,
  receiverConnectionOf,
} from '../../../functions/adapters/aws/DedicatedEndpoint.ts';
import type { ReceiverOptions } from '../../../functions/core/receivers/ReceiverOptions.ts';

/** The dedicated path: receiver options become the API destination's EventBridge Connection. */

const eventBridge = mockClient(EventBridgeClient);
const notFound = () => new ResourceNotFoundException({ message: 'nope', $metadata: {} });

const manager = () =>
  new ApiDestinationManager(new EventBridgeClient({ region: 'eu-west-1' }), {
    stage: 'prod',
    eventBusName: 'rowhook-prod',
    invokeRoleArn: 'arn:aws:iam::1:role/invoke',
    deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:1:rowhook-prod-dedicated-dlq',
  });

const options = (overrides: Partial<ReceiverOptions>): ReceiverOptions => ({
  headers: [],
  auth: { type: 'none' },
  clientCertificate: null,
  retrySchedule: null,
  timeoutMs: null,
  ...overrides,
});

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutRuleCommand).resolves({ RuleArn: 'arn:rule' });
  eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
  eventBridge.on(CreateConnectionCommand).resolves({ ConnectionArn: 'arn:connection' });
  eventBridge.on(UpdateConnectionCommand).resolves({ ConnectionArn: 'arn:connection' });
  eventBridge.on(CreateApiDestinationCommand).resolves({ ApiDestinationArn: 'arn:dest' });
  eventBridge.on(UpdateApiDestinationCommand).resolves({ ApiDestinationArn: 'arn:dest' });
});

describe('receiver options on the dedicated path', () => {
  it('maps basic auth and custom headers (secret ones with IsValueSecret) onto a new Connection', async () => {
    eventBridge.on(DescribeConnectionCommand).rejects(notFound());
    eventBridge.on(DescribeApiDestinationCommand).rejects(notFound());
    const connection = receiverConnectionOf(
      options({
        auth: { type: 'basic', username: 'rowhook' },
        headers: [
          { name: 'X-Tenant-Ref', value: 'acme', secret: false },
          { name: 'X-Api-Key', value: null, secret: true },
        ],
      }),
      { headers: { 'X-Api-Key': 'k-123' }, password: 'pw' },
    );
    if (typeof connection === 'string') throw new Error(connection);
    const endpoint: DedicatedEndpoint = {
      endpointId: 'ep_1',
      tenantId: 'acme',
      url: 'https://hooks.example.com/in',
      rateLimitPerSecond: 10,
      ...connection,
    };
    await manager().upsert(endpoint);
    expect(eventBridge.commandCalls(CreateConnectionCommand)[0]?.args[0].input).toMatchObject({
      AuthorizationType: 'BASIC',
      AuthParameters: {
        BasicAuthParameters: { Username: 'rowhook', Password: 'pw' },
        InvocationHttpParameters: {
          HeaderParameters: [
            { Key: 'X-Tenant-Ref', Value: 'acme', IsValueSecret: false },
            { Key: 'X-Api-Key', Value: 'k-123', IsValueSecret: true },
          ],
        },
      },
    });
  });

  it('clears the headers of an existing Connection when the endpoint has none left', async () => {
    eventBridge.on(DescribeConnectionCommand).resolves({ ConnectionArn: 'arn:connection' });
    eventBridge.on(DescribeApiDestinationCommand).resolves({ ApiDestinationArn: 'arn:dest' });
    await manager().upsert({
      endpointId: 'ep_1',
      tenantId: 'acme',
      url: 'https://hooks.example.com/in',
      rateLimitPerSecond: 10,
      auth: null,
    });
    expect(eventBridge.commandCalls(UpdateConnectionCommand)[0]?.args[0].input.AuthParameters).toMatchObject({
      InvocationHttpParameters: { HeaderParameters: [] },
    });
  });

  it('maps bearer to an API_KEY Authorization header and oauth2 to OAUTH_CLIENT_CREDENTIALS', () => {
    expect(
      receiverConnectionOf(options({ auth: { type: 'bearer' } }), { headers: {}, token: 't0k' }),
    ).toEqual({
      auth: { type: 'API_KEY', headerName: 'Authorization', headerValue: 'Bearer t0k' },
      headers: [],
    });
    const oauth = receiverConnectionOf(
      options({
        auth: {
          type: 'oauth2',
          tokenUrl: 'https://auth.example.com/token',
          clientId: 'cid',
          scope: 'hooks',
          extraParams: { audience: 'https://api.example.com' },
          clientAuthentication: 'basic',
        },
      }),
      { headers: {}, clientSecret: 'cs' },
    );
    expect(oauth).toEqual({
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        authorizationEndpoint: 'https://auth.example.com/token',
        httpMethod: 'POST',
        clientId: 'cid',
        clientSecret: 'cs',
        bodyParameters: {
          grant_type: 'client_credentials',
          scope: 'hooks',
          audience: 'https://api.example.com',
        },
      },
      headers: [],
    });
  });

  it('says which secret is missing instead of building a Connection without it', () => {
    expect(receiverConnectionOf(options({ auth: { type: 'bearer' } }), undefined)).toMatch(
      /no bearer token stored/,
    );
    expect(
      receiverConnectionOf(options({ headers: [{ name: 'X-Key', value: null, secret: true }] }), {
        headers: {},
      }),
    ).toMatch(/no value for header X-Key stored/);
  });
});
