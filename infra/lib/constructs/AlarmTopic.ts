import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly stage: string;
  /** Subscribed by email when set (rowhook:alarmEmail); AWS mails a confirmation link first. */
  readonly email?: string | undefined;
}

/** Every Rowhook alarm is named `rowhook-<stage>-...`; the grants below are limited to those. */
export const alarmNamePrefix = (stage: string) => `rowhook-${stage}-`;

/**
 * The SNS topic every alarm notifies (ALARM and OK), so an alarm reaches a person: by email when
 * rowhook:alarmEmail is set, or by whatever an operator subscribes (chat, paging) to the topic.
 *
 * Encrypted with a customer-managed KMS key, not the AWS-managed `alias/aws/sns`: CloudWatch can
 * publish to an encrypted topic only if the key policy lets `cloudwatch.amazonaws.com` use the key
 * (kms:Decrypt, kms:GenerateDataKey*), and the AWS-managed key's policy cannot be changed. Both the
 * key grant and the topic's publish grant are limited to this account's `rowhook-<stage>-*` alarms
 * (aws:SourceAccount / aws:SourceArn) so no other alarm can use them. Publishing over plain HTTP
 * is denied (enforceSSL).
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${alarmNamePrefix(props.stage)}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the Rowhook ${props.stage} alarm topic`,
      enableKeyRotation: true,
      // Only alarm notifications in flight are encrypted with it; nothing is lost with the key.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, `*` means this key
        conditions: fromOurAlarms,
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `rowhook-${props.stage}-alarms`,
      displayName: `Rowhook ${props.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );

    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }
}
