import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  readonly stage: string;
}

/**
 * The operators' admin token (generated at deploy) and the ARN patterns of the secrets Rowhook
 * creates at runtime: per-endpoint signing secrets (`rowhook/<stage>/endpoints/<id>`, written by the
 * API's SecretsManagerSecretStore) and EventBridge connection secrets (`events!connection/...`,
 * created by EventBridge when the sync function creates a Connection).
 */
export class Secrets extends Construct {
  readonly adminToken: secretsmanager.Secret;
  /** `rowhook/<stage>/endpoints/` */
  readonly endpointSecretPrefix: string;
  readonly endpointSecretsArn: string;
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
    this.connectionSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      resourceName: `events!connection/rowhook-${props.stage}-*`,
    });
  }
}
