import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CANARY_ENV } from '../../functions/handlers/canaryConfig.ts';
import { ENV } from '../../functions/handlers/config.ts';
import { configFromContext, parseConfig, RowhookConfigError } from '../../infra/lib/config.ts';
import { CANARY_ALARM_EXPRESSION } from '../../infra/lib/constructs/Canary.ts';
import type { RowhookStack } from '../../infra/lib/createStacks.ts';
import { type Resources, resourcesOf, synth } from './support.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const idOf = (stack: RowhookStack, construct: unknown) =>
  stack.getLogicalId((construct as { node: { defaultChild: never } }).node.defaultChild);

function statementsOfRole(stack: RowhookStack, resources: Resources, role: unknown): Statement[] {
  const roleId = idOf(stack, role);
  return Object.values(resources)
    .filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    )
    .flatMap(
      (r) => (r.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
    );
}

describe('rowhook:canary', () => {
  it('is off by default and parses true/false from the command line', () => {
    expect(parseConfig({ stage: 'dev' }).canary).toBe(false);
    expect(configFromContext({ 'rowhook:stage': 'dev', 'rowhook:canary': 'true' }).canary).toBe(true);
    expect(() => parseConfig({ stage: 'dev', canary: 'yes' })).toThrow(RowhookConfigError);
  });
});

describe('stack without the canary', () => {
  const { stack, template } = synth();

  it('has no canary function, URL, table, schedule, alarm or output', () => {
    expect(stack.canary).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Name: 'rowhook-test-canary' }, 0);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: 'rowhook-test-canary' }, 0);
    template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { TableName: 'rowhook-test-canary' }, 0);
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).not.toContain('CanaryReceiverUrl');
    expect(outputs).toContain('DatabaseName');
  });
});

describe('stack with the canary', () => {
  const { stack, template } = synth({ canary: true });
  const resources = resourcesOf(template);
  const canary = stack.canary;
  if (!canary) throw new Error('rowhook:canary=true built no canary');
  const receiverId = idOf(stack, canary.receiver);
  const checkId = idOf(stack, canary.check);
  const tableArn = { 'Fn::GetAtt': [idOf(stack, canary.table), 'Arn'] };

  it('puts the receiver behind a public Function URL and exports it', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [receiverId, 'Arn'] },
    });
    const outputs = template.toJSON().Outputs;
    expect(outputs.CanaryReceiverUrl.Value).toEqual({
      'Fn::GetAtt': [idOf(stack, canary.receiverUrl), 'FunctionUrl'],
    });
    expect(outputs.CanaryTableName.Value).toEqual({ Ref: idOf(stack, canary.table) });
  });

  it('runs the check on a schedule, without retries, through a role that may invoke only it', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'rowhook-test-canary',
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [checkId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: checkId },
      MaximumRetryAttempts: 0,
    });
    const schedulerStatements = statementsOfRole(stack, resources, canary.node.findChild('SchedulerRole'));
    expect(schedulerStatements).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [checkId, 'Arn'] },
      }),
    ]);
  });

  it('alarms when the check fails or does not run', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === 'rowhook-test-canary',
    );
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
    const queries = alarm?.Properties.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: unknown;
    }>;
    const expression = queries.find((q) => q.Expression);
    expect(expression).toMatchObject({ Expression: CANARY_ALARM_EXPRESSION, ReturnData: true });
    const stat = (id: string) => queries.find((q) => q.Id === id)?.MetricStat;
    for (const [id, name] of [
      ['runs', 'Invocations'],
      ['errors', 'Errors'],
    ] as const) {
      expect(stat(id)).toMatchObject({
        Metric: {
          MetricName: name,
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: checkId } }],
        },
        Period: 1800,
        Stat: 'Sum',
      });
    }
  });

  it('lets anyone call the receiver only through its Function URL', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) =>
        JSON.stringify(p.Properties.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [receiverId, 'Arn'] }),
    );
    expect(
      permissions.map((p) => p.Properties).sort((a, b) => String(a.Action).localeCompare(String(b.Action))),
    ).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: expect.anything(),
        InvokedViaFunctionUrl: true,
        Principal: '*',
      },
      {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: expect.anything(),
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      },
    ]);
  });

  it('gives the check what a smoke run needs, from the stack itself', () => {
    const environment = resources[checkId]?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const env = environment?.Variables ?? {};
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        ENV.stage,
        ENV.adminTokenSecretArn,
        ENV.dbClusterArn,
        ENV.dbSecretArn,
        ENV.dbName,
        CANARY_ENV.apiUrl,
        CANARY_ENV.receiverUrl,
        CANARY_ENV.canaryTableName,
      ]),
    );
    expect(env[CANARY_ENV.receiverUrl]).toEqual({
      'Fn::GetAtt': [idOf(stack, canary.receiverUrl), 'FunctionUrl'],
    });
  });

  it('scopes the receiver to reading runs and writing results in the canary table only', () => {
    const statements = statementsOfRole(stack, resources, canary.receiver.role);
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn }),
    ]);
    const others = statements
      .flatMap((s) => asArray(s.Action))
      .filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('logs:'));
    expect(others).toEqual([]);
  });

  it('lets the check touch the canary table, the admin token and the Data API, nothing of the tenants table', () => {
    const statements = statementsOfRole(stack, resources, canary.check.role);
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'secretsmanager:GetSecretValue',
        'rds-data:ExecuteStatement',
      ]),
    );
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => s.Resource)).toEqual([tableArn]);
    expect(actions.filter((a) => a.startsWith('events:') || a.startsWith('sqs:'))).toEqual([]);
  });

  it('keeps canary records on a TTL in a table of their own', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'rowhook-test-canary',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('stays clean under cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const findings = report.violations
      .filter((v) => v.severity === 'error' || v.severity === 'warning')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
