import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/lib/config.ts';
import { resourcesOf, synth } from './support.ts';

const { template, stack } = synth();
const ref = (construct: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.getLogicalId(construct.node.defaultChild as never),
});
const alarms = () =>
  Object.values(resourcesOf(template))
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties as Record<string, unknown>);
const topicRef = ref(stack.alarmTopic.topic);

describe('alarms reach a person', () => {
  it('gives every alarm in the stack the alarm topic as its ALARM and OK action', () => {
    const all = alarms();
    expect(all.length).toBeGreaterThanOrEqual(19);
    for (const alarm of all) {
      expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([topicRef]);
      expect(alarm.OKActions, String(alarm.AlarmName)).toEqual([topicRef]);
    }
  });

  it('encrypts the topic with a rotated customer key CloudWatch may use, and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'rowhook-test-alarms',
      KmsMasterKeyId: {
        'Fn::GetAtt': [stack.getLogicalId(stack.alarmTopic.key.node.defaultChild as never), 'Arn'],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('subscribes the alarm email only when rowhook:alarmEmail is set', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synth({ alarmEmail: 'ops@example.com' });
    withEmail.template.resourceCountIs('AWS::SNS::Subscription', 1);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: {
        Ref: withEmail.stack.getLogicalId(withEmail.stack.alarmTopic.topic.node.defaultChild as never),
      },
    });
  });

  it('validates rowhook:alarmEmail and rowhook:alarmQueueAgeSeconds', () => {
    expect(parseConfig({ stage: 'dev' })).toMatchObject({ alarmQueueAgeSeconds: 1800 });
    expect(parseConfig({ stage: 'dev' }).alarmEmail).toBeUndefined();
    expect(() => parseConfig({ stage: 'dev', alarmEmail: 'ops' })).toThrow(
      'rowhook:alarmEmail must be an email address',
    );
    expect(() => parseConfig({ stage: 'dev', alarmQueueAgeSeconds: '10' })).toThrow(
      'rowhook:alarmQueueAgeSeconds must be at least 60',
    );
  });
});

describe('no blind spots', () => {
  it('alarms on errors and throttles of every function', () => {
    const names = {
      relay: 'relay',
      deliver: 'deliver',
      api: 'api',
      sync: 'sync',
      sweeper: 'sweeper',
    } as const;
    // Every function Functions.ts builds, so a new one without alarms fails here.
    expect(stack.functions.all).toHaveLength(Object.keys(names).length);
    for (const key of Object.keys(names) as Array<keyof typeof names>) {
      const fn = { Ref: stack.getLogicalId(stack.functions[key].node.defaultChild as never) };
      for (const [suffix, metric, periods, toAlarm] of [
        ['errors', 'Errors', 3, 2],
        ['throttles', 'Throttles', 1, Match.absent()],
      ] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `rowhook-test-lambda-${key}-${suffix}`,
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: fn }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: periods,
          DatapointsToAlarm: toAlarm,
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('alarms on relay errors from relay and sweeper', () => {
    const relayErrors = (service: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'Rowhook',
            MetricName: 'RelayErrors',
            Dimensions: [{ Name: 'service', Value: service }],
          },
          Stat: 'Sum',
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rowhook-test-relay-drain-errors',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(relay, 0) + FILL(sweeper, 0)' }),
        relayErrors('rowhook-relay'),
        relayErrors('rowhook-sweeper'),
      ]),
    });
  });

  it('alarms on the age of the oldest message of each queue deliver consumes', () => {
    const queues = { deliveries: stack.queues.deliveryQueue, 'dedicated-retries': stack.queues.dedicatedDlq };
    for (const [key, queue] of Object.entries(queues)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `rowhook-test-queue-age-${key}`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as never), 'QueueName'] },
          },
        ],
        Statistic: 'Maximum',
        Threshold: 1800,
      });
    }
    synth({ alarmQueueAgeSeconds: 600 }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rowhook-test-queue-age-deliveries',
      Threshold: 600,
    });
  });

  it('alarms on the depth of each dead-letter queue', () => {
    [stack.queues.deadLetterQueue, stack.queues.syncFailures].forEach((queue, index) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `rowhook-test-dlq-depth-${index}`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as never), 'QueueName'] },
          },
        ],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });
  });

  it('treats missing outbox lag as breaching: no datapoint means no relay or sweeper drain completed', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'rowhook-test-relay-lag',
      TreatMissingData: 'breaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([relay, sweeper])' })]),
    });
    // The sweeper, whose every completed run writes a lag datapoint (0 when idle), runs every minute:
    // well inside the alarm's 2 × 5-minute window, so an idle system stays OK.
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('lists the alarms expected, no more', () => {
    const expected = [
      ...['relay', 'deliver', 'api', 'sync', 'sweeper', 'deliver-ordered', 'recover'].flatMap((f) => [
        `lambda-${f}-errors`,
        `lambda-${f}-throttles`,
      ]),
      'relay-drain-errors',
      'relay-lag',
      'delivery-error-rate',
      'queue-age-deliveries',
      'queue-age-dedicated-retries',
      'queue-age-ordered',
      'dlq-arrivals-0',
      'dlq-arrivals-1',
      'dlq-arrivals-2',
      'dlq-depth-0',
      'dlq-depth-1',
      'dlq-depth-2',
    ].map((n) => `rowhook-test-${n}`);
    expect(
      alarms()
        .map((a) => a.AlarmName)
        .sort(),
    ).toEqual(expected.sort());
  });
});
