import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RECOVER_SCHEDULE } from '../../infra/lib/constructs/RecoverJobs.ts';
import { ENV } from '../../infra/lib/environment.ts';
import { resourcesOf, synth } from './support.ts';

describe('recover jobs on AWS', () => {
  const { stack, template } = synth();
  const fnId = stack.getLogicalId(stack.recoverJobs.fn.node.defaultChild as never);
  const roleId = stack.getLogicalId(stack.recoverJobs.fn.role?.node.defaultChild as never);
  const tableId = stack.getLogicalId(stack.table.table.node.defaultChild as never);
  const queueId = stack.getLogicalId(stack.queues.deliveryQueue.node.defaultChild as never);

  const statements = () =>
    Object.values(resourcesOf(template))
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(`"${roleId}"`),
      )
      .flatMap(
        (p) =>
          (
            p.Properties?.PolicyDocument as
              | { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
              | undefined
          )?.Statement ?? [],
      )
      .map((s) => ({ actions: Array.isArray(s.Action) ? s.Action : [s.Action], resource: s.Resource }));

  it('runs the recover function every minute from EventBridge Scheduler, without retries', () => {
    expect(RECOVER_SCHEDULE).toBe('rate(1 minute)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'rowhook-test-recover',
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }),
    });
  });

  it('hands it the Data API target, the table and the delivery queue', () => {
    const variables =
      (resourcesOf(template)[fnId]?.Properties?.Environment as { Variables: Record<string, unknown> })
        ?.Variables ?? {};
    expect(variables).toMatchObject({
      [ENV.tableName]: { Ref: tableId },
      [ENV.deliveryQueueUrl]: { Ref: queueId },
      POWERTOOLS_SERVICE_NAME: 'rowhook-recover',
    });
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([ENV.dbClusterArn, ENV.dbSecretArn, ENV.dbName]),
    );
  });

  it('grants only the Data API, BatchGetItem on the table and sending to the delivery queue', () => {
    const all = statements();
    const dynamo = all.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      { actions: ['dynamodb:BatchGetItem'], resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
    ]);
    const sqsStatements = all.filter((s) => s.actions.some((a) => a.startsWith('sqs:')));
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const s of sqsStatements) {
      expect(s.resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      expect(
        s.actions.every(
          (a) => a.startsWith('sqs:SendMessage') || a === 'sqs:GetQueueAttributes' || a === 'sqs:GetQueueUrl',
        ),
      ).toBe(true);
    }
    const actions = all.flatMap((s) => s.actions);
    expect(actions).toEqual(
      expect.arrayContaining(['rds-data:ExecuteStatement', 'rds-data:BeginTransaction']),
    );
    expect(
      actions.filter((a) => a.startsWith('events:') || a.startsWith('secretsmanager:PutSecretValue')),
    ).toEqual([]);
  });
});
