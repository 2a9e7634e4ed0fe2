import { createHash } from 'node:crypto';
import {
  CreateApiDestinationCommand,
  type CreateConnectionAuthRequestParameters,
  CreateConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { WEBHOOK_HEADER } from '../../core/signing/constants.ts';
import {
  type ConnectionAuth,
  type ConnectionHeader,
  type DedicatedEndpoint,
  PLACEHOLDER_AUTH,
} from './DedicatedEndpoint.ts';
import { DELIVERY_EVENT, TRANSPORTS } from './DeliveryMessage.ts';
import { AwsAdapterError, awsErrorName, toAwsError } from './errors.ts';

export interface ApiDestinationManagerOptions {
  stage: string;
  eventBusName: string;
  /** Role EventBridge assumes to invoke API destinations (events:InvokeApiDestination). */
  invokeRoleArn: string;
  /** Queue for events the destination gave up on; the deliver Lambda consumes it and re-signs. */
  deadLetterQueueArn: string;
}

/** EventBridge stops retrying a delivery to the destination after this; the DLQ takes it from there. */
export const MAX_EVENT_AGE_SECONDS = 300;
const TARGET_ID = 'api-destination';
/** The part of a delivery entry the target sends: the body as a JSON value, never a string. */
export const API_DESTINATION_INPUT_PATH = '$.detail.payload';
// EventBridge names: 1-64 characters of [.\-_A-Za-z0-9].
const MAX_NAME_LENGTH = 64;

/** A quota (300 rules per bus, 3,000 API destinations per region...) is reached. */
export class DedicatedQuotaError extends AwsAdapterError {
  override readonly code = 'dedicated_quota_reached';
}

/**
 * Creates, updates and deletes the Connection + API destination + Rule that give one endpoint its
 * own EventBridge delivery. Every step is idempotent (describe, then create or update), because the
 * DynamoDB stream may hand the same change to the sync Lambda more than once.
 */
export class ApiDestinationManager {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: ApiDestinationManagerOptions,
  ) {}

  resourceName(endpointId: string): string {
    const name = `rowhook-${this.options.stage}-${endpointId}`.replace(/[^.\-_A-Za-z0-9]/g, '_');
    if (name.length <= MAX_NAME_LENGTH) return name;
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
    return `${name.slice(0, MAX_NAME_LENGTH - 13)}-${hash}`;
  }

  /** Makes the endpoint's resources match `endpoint`; returns the API destination ARN. */
  async upsert(endpoint: DedicatedEndpoint): Promise<string> {
    const name = this.resourceName(endpoint.endpointId);
    const connection = await this.upsertConnection(name, endpoint);
    const connectionArn = connection.arn;
    const destination = await this.releasingOnQuota(
      name,
      { connection: connection.created, destination: false },
      () => this.upsertDestination(name, connectionArn, endpoint),
    );
    const destinationArn = destination.arn;
    // A quota error here (300 rules per bus) would leave a connection and API destination nobody
    // uses, eating the 3,000-per-region quota: the ones this call created are deleted again.
    await this.releasingOnQuota(
      name,
      { connection: connection.created, destination: destination.created },
      () =>
        this.call('creating the rule', () =>
          this.client.send(
            new PutRuleCommand({
              Name: name,
              EventBusName: this.options.eventBusName,
              Description: `Rowhook: deliveries of endpoint ${endpoint.endpointId} (tenant ${endpoint.tenantId})`,
              EventPattern: JSON.stringify({
                source: [DELIVERY_EVENT.source],
                'detail-type': [DELIVERY_EVENT.detailType],
                detail: { endpointId: [endpoint.endpointId], transport: [TRANSPORTS.apiDestination] },
              }),
              State: 'ENABLED',
            }),
          ),
        ),
    );
    const response = await this.call('attaching the API destination to the rule', () =>
      this.client.send(
        new PutTargetsCommand({
          Rule: name,
          EventBusName: this.options.eventBusName,
          Targets: [
            {
              Id: TARGET_ID,
              Arn: destinationArn,
              RoleArn: this.options.invokeRoleArn,
              // The request body is the entry's payload as EventBridge writes JSON (minified),
              // which is what the relay signed (apiDestinationPayload); the signature headers come
              // from the same entry. They are fixed per entry, which is why retries after the
              // 5-minute receiver tolerance go to the DLQ and are re-signed by the deliver Lambda.
              InputPath: API_DESTINATION_INPUT_PATH,
              HttpParameters: {
                HeaderParameters: {
                  [WEBHOOK_HEADER.id]: `$.detail.headers.${WEBHOOK_HEADER.id}`,
                  [WEBHOOK_HEADER.timestamp]: `$.detail.headers.${WEBHOOK_HEADER.timestamp}`,
                  [WEBHOOK_HEADER.signature]: `$.detail.headers.${WEBHOOK_HEADER.signature}`,
                  // Committed by the relay before it published the entry (numberedPublisher).
                  [WEBHOOK_HEADER.sequence]: '$.detail.sequence',
                },
              },
              RetryPolicy: { MaximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS, MaximumRetryAttempts: 185 },
              DeadLetterConfig: { Arn: this.options.deadLetterQueueArn },
            },
          ],
        }),
      ),
    );
    if (response.FailedEntryCount) {
      const failed = response.FailedEntries?.[0];
      throw new AwsAdapterError(
        `PutTargets failed for rule ${name}: ${failed?.ErrorCode ?? 'unknown'}: ${failed?.ErrorMessage ?? ''}`,
        { retryable: true },
      );
    }
    return destinationArn;
  }

  /** Removes whatever exists of the endpoint's resources, in dependency order; absent ones are fine. */
  async remove(endpointId: string): Promise<void> {
    const name = this.resourceName(endpointId);
    const bus = this.options.eventBusName;
    await this.ignoringMissing('removing the rule target', () =>
      this.client.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus, Ids: [TARGET_ID] })),
    );
    await this.ignoringMissing('deleting the rule', () =>
      this.client.send(new DeleteRuleCommand({ Name: name, EventBusName: bus })),
    );
    await this.ignoringMissing('deleting the API destination', () =>
      this.client.send(new DeleteApiDestinationCommand({ Name: name })),
    );
    await this.ignoringMissing('deleting the connection', () =>
      this.client.send(new DeleteConnectionCommand({ Name: name })),
    );
  }

  /**
   * Runs `step`; if it fails with DedicatedQuotaError, deletes the resources this upsert created
   * (API destination first, then the connection it uses) before rethrowing. Best effort: a failed
   * deletion is attached to the quota error as `cleanupErrors`, the quota error is what is thrown.
   */
  private async releasingOnQuota<T>(
    name: string,
    created: { connection: boolean; destination: boolean },
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof DedicatedQuotaError)) throw error;
      const cleanupErrors: unknown[] = [];
      if (created.destination) {
        await this.ignoringMissing('deleting the API destination after a quota error', () =>
          this.client.send(new DeleteApiDestinationCommand({ Name: name })),
        ).catch((e: unknown) => cleanupErrors.push(e));
      }
      if (created.connection) {
        await this.ignoringMissing('deleting the connection after a quota error', () =>
          this.client.send(new DeleteConnectionCommand({ Name: name })),
        ).catch((e: unknown) => cleanupErrors.push(e));
      }
      if (cleanupErrors.length > 0) Object.assign(error, { cleanupErrors });
      throw error;
    }
  }

  private async upsertConnection(
    name: string,
    endpoint: DedicatedEndpoint,
  ): Promise<{ arn: string; created: boolean }> {
    const auth = endpoint.auth ?? PLACEHOLDER_AUTH;
    const existing = await this.describe('reading the connection', () =>
      this.client.send(new DescribeConnectionCommand({ Name: name })),
    );
    const description = `Rowhook endpoint ${endpoint.endpointId}`;
    if (existing) {
      await this.call('updating the connection', () =>
        this.client.send(
          new UpdateConnectionCommand({
            Name: name,
            Description: description,
            AuthorizationType: auth.type,
            // Sent even when empty, so headers removed from the endpoint leave the Connection too.
            AuthParameters: authParameters(auth, endpoint.headers ?? [], true),
          }),
        ),
      );
      if (!existing.ConnectionArn) throw new AwsAdapterError(`connection ${name} has no ARN`);
      return { arn: existing.ConnectionArn, created: false };
    }
    const created = await this.call('creating the connection', () =>
      this.client.send(
        new CreateConnectionCommand({
          Name: name,
          Description: description,
          AuthorizationType: auth.type,
          AuthParameters: authParameters(auth, endpoint.headers ?? [], false),
        }),
      ),
    );
    if (!created.ConnectionArn) throw new AwsAdapterError(`CreateConnection returned no ARN for ${name}`);
    return { arn: created.ConnectionArn, created: true };
  }

  private async upsertDestination(
    name: string,
    connectionArn: string,
    endpoint: DedicatedEndpoint,
  ): Promise<{ arn: string; created: boolean }> {
    const settings = {
      Name: name,
      Description: `Rowhook endpoint ${endpoint.endpointId}`,
      ConnectionArn: connectionArn,
      InvocationEndpoint: endpoint.url,
      HttpMethod: 'POST' as const,
      InvocationRateLimitPerSecond: endpoint.rateLimitPerSecond,
    };
    const existing = await this.describe('reading the API destination', () =>
      this.client.send(new DescribeApiDestinationCommand({ Name: name })),
    );
    const response = existing
      ? await this.call('updating the API destination', () =>
          this.client.send(new UpdateApiDestinationCommand(settings)),
        )
      : await this.call('creating the API destination', () =>
          this.client.send(new CreateApiDestinationCommand(settings)),
        );
    const arn = response.ApiDestinationArn ?? existing?.ApiDestinationArn;
    if (!arn) throw new AwsAdapterError(`no ARN for API destination ${name}`);
    return { arn, created: !existing };
  }

  private async describe<T>(doing: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw toAwsError(error, doing);
    }
  }

  private async ignoringMissing(doing: string, send: () => Promise<unknown>): Promise<void> {
    await this.describe(doing, send);
  }

  private async call<T>(doing: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (awsErrorName(error) === 'LimitExceededException') {
        throw new DedicatedQuotaError(
          `EventBridge quota reached while ${doing} (300 rules per bus, 3,000 API destinations and connections per region by default); the endpoint stays on pooled delivery until a quota increase or a dedicated endpoint is removed`,
          { cause: error, retryable: false },
        );
      }
      throw toAwsError(error, doing);
    }
  }
}

/** The auth, plus the endpoint's custom headers as invocation parameters (on every request). */
function authParameters(
  auth: ConnectionAuth,
  headers: ConnectionHeader[],
  update: boolean,
): CreateConnectionAuthRequestParameters {
  return {
    ...authOnly(auth),
    ...(headers.length > 0 || update
      ? {
          InvocationHttpParameters: {
            HeaderParameters: headers.map((h) => ({ Key: h.name, Value: h.value, IsValueSecret: h.secret })),
          },
        }
      : {}),
  };
}

function authOnly(auth: ConnectionAuth): CreateConnectionAuthRequestParameters {
  switch (auth.type) {
    case 'API_KEY':
      return { ApiKeyAuthParameters: { ApiKeyName: auth.headerName, ApiKeyValue: auth.headerValue } };
    case 'BASIC':
      return { BasicAuthParameters: { Username: auth.username, Password: auth.password } };
    case 'OAUTH_CLIENT_CREDENTIALS':
      return {
        OAuthParameters: {
          AuthorizationEndpoint: auth.authorizationEndpoint,
          HttpMethod: auth.httpMethod,
          ClientParameters: { ClientID: auth.clientId, ClientSecret: auth.clientSecret },
          ...(auth.bodyParameters
            ? {
                OAuthHttpParameters: {
                  BodyParameters: Object.entries(auth.bodyParameters).map(([Key, Value]) => ({
                    Key,
                    Value,
                    IsValueSecret: false,
                  })),
                },
              }
            : {}),
        },
      };
  }
}
