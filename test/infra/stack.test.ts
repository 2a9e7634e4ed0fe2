import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  GSI1,
  ITEM_TYPES,
  LSI1,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
  TYPE_ATTRIBUTE,
} from '../../functions/adapters/aws/dynamo/tableDesign.ts';
import { resourcesOf, synth } from './support.ts';

describe('Rowhook stack template', () => {
  const { template, stack } = synth();

  describe('Database', () => {
    it('is Aurora PostgreSQL Serverless v2 with the Data API on, encrypted', () => {
      template.hasResourceProperties('AWS::RDS::DBCluster', {
        Engine: 'aurora-postgresql',
        EnableHttpEndpoint: true,
        StorageEncrypted: true,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
        DeletionProtection: false,
      });
      template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    });

    it('associates the aws_lambda role under feature name Lambda', () => {
      const cluster = Object.values(resourcesOf(template)).find((r) => r.Type === 'AWS::RDS::DBCluster');
      const roles = cluster?.Properties?.AssociatedRoles as Array<{ FeatureName: string; RoleArn: unknown }>;
      expect(roles).toHaveLength(1);
      expect(roles[0]?.FeatureName).toBe('Lambda');
      const roleId = stack.getLogicalId(stack.database.lambdaInvokeRole.node.defaultChild as never);
      expect(roles[0]?.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'rds.amazonaws.com' } })],
        },
      });
    });

    it('lets only this account and this cluster assume the aws_lambda role (no confused deputy)', () => {
      const roleId = stack.getLogicalId(stack.database.lambdaInvokeRole.node.defaultChild as never);
      const role = resourcesOf(template)[roleId];
      const document = role?.Properties?.AssumeRolePolicyDocument as {
        Statement: Array<{ Principal: unknown; Condition: Record<string, Record<string, unknown>> }>;
      };
      expect(document.Statement).toHaveLength(1);
      const [statement] = document.Statement;
      expect(statement?.Principal).toEqual({ Service: 'rds.amazonaws.com' });
      expect(statement?.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(statement?.Condition.ArnEquals).toEqual({
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':rds:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':cluster:rowhook-test',
            ],
          ],
        },
      });
      template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'rowhook-test' });
    });

    it('lets that role invoke the relay function and nothing else', () => {
      const relayId = stack.getLogicalId(stack.functions.relay.node.defaultChild as never);
      const roleId = stack.getLogicalId(stack.database.lambdaInvokeRole.node.defaultChild as never);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: { 'Fn::GetAtt': [relayId, 'Arn'] },
            },
          ],
        },
      });
    });

    it('applies every sql/migrations file through a custom resource over the Data API', () => {
      template.hasResourceProperties('Custom::RowhookMigrations', {
        Database: 'rowhook',
        Migrations: Match.arrayWith([Match.stringLikeRegexp('^0001_capture\\.sql:[0-9a-f]{64}$')]),
      });
    });

    it('preloads pg_cron through the cluster parameter group, with the Rowhook database as cron.database_name', () => {
      const groups = Object.entries(resourcesOf(template)).filter(
        ([, r]) => r.Type === 'AWS::RDS::DBClusterParameterGroup',
      );
      expect(groups).toHaveLength(1);
      const [groupId, group] = groups[0] ?? [];
      expect(group?.Properties?.Family).toBe('aurora-postgresql16');
      const parameters = group?.Properties?.Parameters as Record<string, string>;
      expect(parameters['cron.database_name']).toBe('rowhook');
      // Aurora's default library stays; pg_cron is added to it, not swapped in for it.
      expect(parameters.shared_preload_libraries?.split(',')).toEqual(['pg_stat_statements', 'pg_cron']);
      template.hasResourceProperties('AWS::RDS::DBCluster', {
        DBClusterParameterGroupName: { Ref: groupId },
      });
    });

    it('hands the pg_cron sweep job and schedule to the migrations resource', () => {
      template.hasResourceProperties('Custom::RowhookMigrations', {
        PgCronSweepJob: 'rowhook-sweep',
        PgCronSweepSchedule: '10 seconds',
      });
    });

    it('turns deletion protection on for prod', () => {
      synth({ stage: 'prod' }).template.hasResourceProperties('AWS::RDS::DBCluster', {
        DeletionProtection: true,
      });
    });
  });

  describe('Bus', () => {
    it('is rowhook-<stage> with an archive keeping the replay window', () => {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'rowhook-test' });
      template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 7 });
      synth({ replayWindowDays: 30 }).template.hasResourceProperties('AWS::Events::Archive', {
        RetentionDays: 30,
      });
    });

    it('routes pooled deliveries to the delivery queue, body = detail', () => {
      const queueId = stack.getLogicalId(stack.queues.deliveryQueue.node.defaultChild as never);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['rowhook'],
          'detail-type': ['rowhook.delivery'],
          detail: { transport: ['pooled'] },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
            InputPath: '$.detail',
            DeadLetterConfig: Match.anyValue(),
          }),
        ],
      });
    });
  });

  describe('Queues', () => {
    it('encrypts every queue and refuses plain HTTP', () => {
      const queues = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::SQS::Queue');
      expect(queues).toHaveLength(6); // + the ordered FIFO queue and its FIFO dead-letter queue
      for (const queue of queues) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
      // Bodies up to 256 KiB are JSON-escaped inside the bus event detail: the SQS maximum, 1 MiB.
      for (const queue of queues) expect(queue.Properties?.MaximumMessageSize).toBe(1_048_576);
      const policies = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
      expect(policies).toHaveLength(6);
      for (const policy of policies) {
        expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
      }
    });

    it('redrives the delivery queue and the dedicated DLQ to the dead-letter queue', () => {
      const dlqId = stack.getLogicalId(stack.queues.deadLetterQueue.node.defaultChild as never);
      for (const name of ['rowhook-test-deliveries', 'rowhook-test-dedicated-retries']) {
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: name,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
        });
      }
    });

    it("lets only this stage's API destination rules dead-letter into the dedicated DLQ", () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
            }),
          ]),
        },
      });
    });
  });

  describe('Subscriptions table', () => {
    it('uses the adapters key design, on demand, PITR, stream with both images, TTL', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: GSI1.indexName })],
        LocalSecondaryIndexes: [Match.objectLike({ IndexName: LSI1.indexName })],
      });
    });
  });

  describe('Functions', () => {
    const functions = () =>
      Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::Lambda::Function');

    it('runs every Lambda on nodejs22.x arm64 with Powertools settings', () => {
      // relay, deliver, api, sync, sweeper, migrations, purge, deliver-ordered, recover
      expect(functions()).toHaveLength(9);
      for (const fn of functions()) {
        expect(fn.Properties?.Runtime).toBe('nodejs22.x');
        expect(fn.Properties?.Architectures).toEqual(['arm64']);
        const environment = fn.Properties?.Environment as { Variables: Record<string, string> } | undefined;
        const variables = environment?.Variables ?? {};
        expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('Rowhook');
        expect(variables.POWERTOOLS_SERVICE_NAME).toMatch(/^rowhook-/);
      }
    });

    it('consumes the delivery queue and the dedicated DLQ with ReportBatchItemFailures and MaximumConcurrency', () => {
      for (const queue of [stack.queues.deliveryQueue, stack.queues.dedicatedDlq]) {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as never), 'Arn'] },
          FunctionName: { Ref: stack.getLogicalId(stack.functions.deliver.node.defaultChild as never) },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 20 },
        });
      }
      synth({ deliverMaxConcurrency: 50 }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: 50 },
      });
    });

    it('feeds the subscriptions stream to the sync function with a failure destination', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: {
          'Fn::GetAtt': [stack.getLogicalId(stack.table.table.node.defaultChild as never), 'StreamArn'],
        },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    });

    it('passes only endpoint items (new image, or old image for removes) to the sync function', () => {
      const mappings = Object.values(resourcesOf(template)).filter(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(r.Properties?.EventSourceArn).includes('StreamArn'),
      );
      expect(mappings).toHaveLength(1);
      const criteria = mappings[0]?.Properties?.FilterCriteria as { Filters: Array<{ Pattern: string }> };
      expect(criteria.Filters.map((f) => JSON.parse(f.Pattern))).toEqual([
        { dynamodb: { NewImage: { [TYPE_ATTRIBUTE]: { S: [ITEM_TYPES.endpoint] } } } },
        { dynamodb: { OldImage: { [TYPE_ATTRIBUTE]: { S: [ITEM_TYPES.endpoint] } } } },
      ]);
      expect(TYPE_ATTRIBUTE).toBe('type');
      expect(ITEM_TYPES.endpoint).toBe('endpoint');
    });

    it('runs the sweeper every minute from EventBridge Scheduler', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        Target: {
          Arn: {
            'Fn::GetAtt': [stack.getLogicalId(stack.functions.sweeper.node.defaultChild as never), 'Arn'],
          },
        },
      });
    });

    it('does not retry async relay nudges (the sweeper covers them)', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    });
  });

  describe('API', () => {
    it('fronts the api function with an HTTP API whose stage is throttled', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      });
      synth({ apiThrottleRate: 5, apiThrottleBurst: 10 }).template.hasResourceProperties(
        'AWS::ApiGatewayV2::Stage',
        {
          DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
        },
      );
      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY' });
    });
  });

  describe('Secrets', () => {
    it('generates the admin token and the Data API credentials', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'rowhook/test/admin-token',
        GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
      });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'rowhook/test/aurora-data-api' });
    });
  });

  describe('Alarms and outputs', () => {
    it('alarms on dead-letter arrivals, delivery error rate and relay lag', () => {
      // The full list of alarms, and their actions, is asserted in alarms.test.ts.
      const queues = [stack.queues.deadLetterQueue, stack.queues.syncFailures];
      queues.forEach((queue, index) => {
        const queueName = {
          'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as never), 'QueueName'],
        };
        const queueMetric = (metricName: string, stat: string) =>
          Match.objectLike({
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SQS',
                MetricName: metricName,
                Dimensions: [{ Name: 'QueueName', Value: queueName }],
              },
              Period: 300,
              Stat: stat,
            },
            ReturnData: false,
          });
        // Arrivals alarm on every new wave, even while an older backlog holds the depth alarm in ALARM.
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `rowhook-test-dlq-arrivals-${index}`,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: 'FILL(sent, 0) + FILL(IF(DIFF(FILL(visible, 0)) > 0, 1, 0), 0)' }),
            queueMetric('NumberOfMessagesSent', 'Sum'),
            queueMetric('ApproximateNumberOfMessagesVisible', 'Maximum'),
          ]),
        });
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'rowhook-test-delivery-error-rate',
        Threshold: 5,
        Metrics: Match.arrayWith([
          // Sparse counters: every term FILLed so a period with only some outcomes still evaluates.
          Match.objectLike({
            Expression:
              'IF((FILL(ok, 0) + FILL(retry, 0) + FILL(dead, 0)) > 0, ' +
              '100 * (FILL(retry, 0) + FILL(dead, 0)) / (FILL(ok, 0) + FILL(retry, 0) + FILL(dead, 0)), 0)',
          }),
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'Rowhook',
                MetricName: 'rowhook_deliveries_total',
                // The deliver handler's EMF dimension set (service, outcome); CDK lists them sorted.
                Dimensions: [
                  { Name: 'outcome', Value: 'dead' },
                  { Name: 'service', Value: 'rowhook-deliver' },
                ],
              },
            }),
          }),
        ]),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'rowhook-test-relay-lag',
        // Seconds, like the metric (rowhook_outbox_lag_seconds, the local gauge's name).
        Threshold: 120,
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'Rowhook',
                MetricName: 'rowhook_outbox_lag_seconds',
                Dimensions: [{ Name: 'service', Value: 'rowhook-relay' }],
              },
            }),
          }),
        ]),
      });
    });

    it('outputs the API URL and the bus name', () => {
      template.hasOutput('ApiUrl', Match.anyValue());
      template.hasOutput('BusName', {
        Value: { Ref: stack.getLogicalId(stack.bus.bus.node.defaultChild as never) },
      });
    });
  });
});
