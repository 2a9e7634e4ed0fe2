import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RowhookStack } from './createStacks.ts';

/**
 * Every cdk-nag AwsSolutions finding Rowhook accepts, each with the reason it is right for Rowhook.
 * cdk-nag 3 reads CDK's native `Validations.of(scope).acknowledge({ id, reason })` (the successor of
 * NagSuppressions); a finding is acknowledged on the narrowest construct that produces it.
 * Anything not listed here fails `test/infra/nag.test.ts`.
 */
export function acknowledgeNagFindings(stack: RowhookStack): void {
  const { database, functions, queues, secrets, api, bus, orderedDelivery } = stack;
  /** The IAM5 finding id for one wildcard resource, rendered the way cdk-nag renders it. */
  const wildcard = (arn: string) => `AwsSolutions-IAM5[Resource::${renderLikeNag(stack.resolve(arn))}]`;
  const ack = (scope: IConstruct, id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });

  ack(
    stack,
    'AwsSolutions-L1',
    'Rowhook pins Lambda to Node.js 22 (nodejs22.x): the handlers, undici 7 and the local runtime are tested on the 22 line; moving to a newer runtime is a deliberate upgrade, not a lint fix.',
  );

  ack(
    secrets.adminToken,
    'AwsSolutions-SMG4',
    'The Rowhook operator admin token is a bearer token held by operators and the console; automatic rotation would lock them out without notice. Operators rotate it with put-secret-value. The api function reads it once per container (functions/handlers/api.ts caches the token hash for the container lifetime), so a rotated token takes effect as new containers start; to apply it at once, recycle the containers by updating the api function configuration (e.g. `aws lambda update-function-configuration` on an environment variable or description) or redeploying.',
  );

  if (!stack.config.deletionProtection) {
    ack(
      database.cluster,
      'AwsSolutions-RDS10',
      `Stage "${stack.config.stage}" is not production: deletion protection is off so the stack can be torn down. It is on by default for stage prod (rowhook:deletionProtection).`,
    );
  }

  ack(
    queues.syncFailures,
    'AwsSolutions-SQS3',
    'This queue is itself the on-failure destination of the sync function DynamoDB stream mapping (a dead-letter queue cdk-nag does not recognise, as it is not an SQS redrive target).',
  );

  ack(
    api.httpApi,
    'AwsSolutions-APIG4',
    'Authorization happens in the Rowhook app itself, the same as `npm start`: tenant routes need a tenant API key (stored hashed in DynamoDB) and operator routes the admin token. An API Gateway authorizer would duplicate that and could not scope requests by tenant.',
  );

  // IAM wildcards: resources created at runtime under a per-stage name prefix.
  const endpointSecrets = wildcard(secrets.endpointSecretsArn);
  for (const fn of [
    functions.relay,
    functions.sweeper,
    functions.deliver,
    functions.api,
    orderedDelivery.deliver,
  ]) {
    if (!fn.role) continue;
    ack(
      fn.role,
      endpointSecrets,
      `Endpoint signing secrets are created at runtime, one per endpoint, as rowhook/${stack.config.stage}/endpoints/<endpoint id>; the prefix scopes access to this stage's signing secrets only (auth secrets live under the disjoint endpoint-auth/ prefix, and Secrets Manager appends a random suffix, so an exact ARN is impossible).`,
    );
  }
  const endpointAuthSecrets = wildcard(secrets.endpointAuthSecretsArn);
  if (functions.api.role) {
    ack(
      functions.api.role,
      endpointAuthSecrets,
      `The Rowhook API writes each dedicated endpoint's receiver credential (authSecret) at runtime as rowhook/${stack.config.stage}/endpoint-auth/<endpoint id> and deletes it with the endpoint; the grant is write-only (create, put, delete, no read) and limited to this stage's auth prefix, as Secrets Manager appends a random suffix.`,
    );
  }
  if (functions.sync.role) {
    ack(
      functions.sync.role,
      endpointAuthSecrets,
      `The sync function reads each dedicated endpoint's receiver credential from rowhook/${stack.config.stage}/endpoint-auth/<endpoint id> (created at runtime by the API, random suffix appended) to build its EventBridge connection; GetSecretValue only, on this stage's auth prefix, and no access to signing secrets.`,
    );
  }
  const receiverSecrets = wildcard(secrets.endpointReceiverSecretsArn);
  const receiverReaders = [
    [
      functions.api,
      'the API writes them on create and change, reads them back so a change can keep a secret it does not resend, and deletes them with the endpoint',
    ],
    [
      functions.deliver,
      'the deliver function reads them (GetSecretValue only) to send the custom headers, receiver auth and client certificate of pooled endpoints',
    ],
    [
      functions.sync,
      'the sync function reads them (GetSecretValue only) to build the EventBridge connection of dedicated endpoints',
    ],
    [
      orderedDelivery.deliver,
      'the deliver-ordered function reads them (GetSecretValue only) to send the custom headers, receiver auth and client certificate of per-key endpoints',
    ],
  ] as const;
  for (const [fn, why] of receiverReaders) {
    if (!fn.role) continue;
    ack(
      fn.role,
      receiverSecrets,
      `Receiver secrets (secret header values, receiver auth, client keys) are created at runtime, one per endpoint, as rowhook/${stack.config.stage}/endpoint-receiver/<endpoint id> (random suffix appended by Secrets Manager, so no exact ARN); ${why}. The prefix is disjoint from signing and auth secrets.`,
    );
  }
  const prefix = `rowhook-${stack.config.stage}-*`;
  const syncRole = functions.sync.role;
  if (syncRole) {
    const apiDestinations = wildcard(
      stack.formatArn({ service: 'events', resource: 'api-destination', resourceName: prefix }),
    );
    ack(
      syncRole,
      apiDestinations,
      'The sync function creates one API destination per dedicated endpoint at runtime, named rowhook-<stage>-<endpoint id>; access is limited to that prefix.',
    );
    ack(
      syncRole,
      wildcard(stack.formatArn({ service: 'events', resource: 'connection', resourceName: prefix })),
      'The sync function creates one EventBridge connection per dedicated endpoint at runtime, named rowhook-<stage>-<endpoint id>; access is limited to that prefix.',
    );
    ack(
      syncRole,
      wildcard(
        stack.formatArn({
          service: 'events',
          resource: 'rule',
          resourceName: `${bus.bus.eventBusName}/${prefix}`,
        }),
      ),
      "The sync function creates one rule per dedicated endpoint at runtime on this stage's bus only, named rowhook-<stage>-<endpoint id> (the pooled rule is named pooled-deliveries, outside the prefix).",
    );
    ack(
      syncRole,
      wildcard(secrets.connectionSecretsArn),
      'When the Rowhook sync function creates a connection, EventBridge stores its credential in a secret named events!connection/<connection name>/<uuid> on the caller behalf, so the caller needs these permissions; they are limited to this stage connections (rowhook-<stage>-*).',
    );
    ack(
      syncRole,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams (added by the DynamoDB stream event source) has no resource-level permissions in IAM; every other statement of the sync role is scoped.',
    );
  }
  ack(
    functions.apiDestinationRole,
    wildcard(stack.formatArn({ service: 'events', resource: 'api-destination', resourceName: prefix })),
    'EventBridge assumes this role to invoke the per-endpoint API destinations the sync function creates at runtime (rowhook-<stage>-<endpoint id>); they do not exist at deploy time.',
  );
}

/** cdk-nag's text for a resolved value: Ref → `<Id>`, GetAtt → `<Id.Attr>`, Join → concatenation. */
function renderLikeNag(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      return join[1].map(renderLikeNag).join(String(join[0]));
    }
  }
  return JSON.stringify(value);
}
