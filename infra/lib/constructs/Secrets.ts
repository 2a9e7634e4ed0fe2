import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  readonly stage: string;
}

/**
 * The operators' admin token (generated at deploy) and the ARN patterns of the secrets Rowhook
 * creates at runtime: per-endpoint signing secrets (`rowhook/<stage>/endpoints/<id>`, written by the
 * API's SecretsManagerSecretStore), per-endpoint third-party auth secrets
 * (`rowhook/<stage>/endpoint-auth/<id>`, written by the API, read by sync) and EventBridge connection
 * secrets (`events!connection/...`, created by EventBridge when the sync function creates a
 * Connection).
 *
 * The signing and auth prefixes are disjoint on purpose: `rowhook/<stage>/endpoints/*` cannot match
 * `rowhook/<stage>/endpoint-auth/...` (the literal `s/` differs), so relay, deliver and sweeper can read
 * signing secrets without reaching receiver credentials. Stages match `[a-z][a-z0-9-]*` (no `/`),
 * so the `/` after the stage keeps stage `dev` from matching stage `dev-2`'s secrets.
 */
export class Secrets extends Construct {
  readonly adminToken: secretsmanager.Secret;
  /** `rowhook/<stage>/endpoints/` */
  readonly endpointSecretPrefix: string;
  /** Signing secrets: `rowhook/<stage>/endpoints/*`. */
  readonly endpointSecretsArn: string;
  /** `rowhook/<stage>/endpoint-auth/` */
  readonly endpointAuthSecretPrefix: string;
  /** Third-party auth secrets of dedicated endpoints: `rowhook/<stage>/endpoint-auth/*`. */
  readonly endpointAuthSecretsArn: string;
  /**
   * Receiver secrets (secret header values, receiver auth, client keys):
   * `rowhook/<stage>/endpoint-receiver/*`, written and read by the API, read by deliver and sync.
   * Disjoint from both other prefixes.
   */
  readonly endpointReceiverSecretsArn: string;
  readonly connectionSecretsArn: string;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    this.adminToken = new secretsmanager.Secret(this, 'AdminToken', {
      secretName: `rowhook/${props.stage}/admin-token`,
      description: 'Rowhook operator admin token (Authorization: Bearer) for the operator API and console',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stack = Stack.of(this);
    this.endpointSecretPrefix = `rowhook/${props.stage}/endpoints/`;
    // Secrets Manager appends -XXXXXX to every secret name, so the trailing * is required.
    this.endpointSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `${this.endpointSecretPrefix}*`,
    });
    this.endpointAuthSecretPrefix = `rowhook/${props.stage}/endpoint-auth/`;
    this.endpointAuthSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `${this.endpointAuthSecretPrefix}*`,
    });
    this.endpointReceiverSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `rowhook/${props.stage}/endpoint-receiver/*`,
    });
    this.connectionSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `events!connection/rowhook-${props.stage}-*`,
    });
  }
}
