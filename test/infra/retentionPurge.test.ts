import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PURGE_SCHEDULE } from '../../infra/lib/constructs/RetentionPurge.ts';
import { ENV } from '../../infra/lib/environment.ts';
import { resourcesOf, synth } from './support.ts';

describe('retention on AWS', () => {
  const { stack, template } = synth();
  const purgeId = stack.getLogicalId(stack.retentionPurge.fn.node.defaultChild as never);

  it('runs the purge function every 15 minutes from EventBridge Scheduler, without retries', () => {
    expect(PURGE_SCHEDULE).toBe('rate(15 minutes)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'rowhook-test-purge',
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [purgeId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }),
    });
  });

  it('hands the purge the Data API target and the stack retention (rowhook:attemptRetentionDays)', () => {
    const fn = resourcesOf(template)[purgeId];
    const variables =
      (fn?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(variables[ENV.attemptRetentionDays]).toBe('30');
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([ENV.dbClusterArn, ENV.dbSecretArn, ENV.dbName, 'POWERTOOLS_SERVICE_NAME']),
    );
    expect(variables.POWERTOOLS_SERVICE_NAME).toBe('rowhook-purge');
    const other = synth({ attemptRetentionDays: 7 });
    const otherId = other.stack.getLogicalId(other.stack.retentionPurge.fn.node.defaultChild as never);
    const otherFn = resourcesOf(other.template)[otherId];
    expect(
      (otherFn?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables,
    ).toMatchObject({
      [ENV.attemptRetentionDays]: '7',
    });
  });

  it('grants the purge the Data API on the cluster and nothing on the table, queues or secrets store', () => {
    const roleId = stack.getLogicalId(stack.retentionPurge.fn.role?.node.defaultChild as never);
    const policies = Object.values(resourcesOf(template)).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(`"${roleId}"`),
    );
    const actions = policies.flatMap((p) =>
      (
        (p.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[] }> } | undefined)
          ?.Statement ?? []
      ).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
    expect(actions).toEqual(expect.arrayContaining(['rds-data:ExecuteStatement']));
    expect(actions.filter((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:'))).toEqual([]);
  });

  it('lets the API scan the table (tenant erasure) and keeps DynamoDB TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const apiRoleId = stack.getLogicalId(stack.functions.api.role?.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: Match.arrayWith([{ Ref: apiRoleId }]),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:Scan',
            Resource: {
              'Fn::GetAtt': [stack.getLogicalId(stack.table.table.node.defaultChild as never), 'Arn'],
            },
          }),
        ]),
      },
    });
  });
});
