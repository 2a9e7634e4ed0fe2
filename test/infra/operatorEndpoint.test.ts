import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ENDPOINT } from '../../functions/core/health/constants.ts';
import { ENV, OPERATOR_WEBHOOK_ENABLED } from '../../functions/handlers/config.ts';
import { configFromContext, parseConfig, RowhookConfigError } from '../../infra/lib/config.ts';
import type { RowhookStack } from '../../infra/lib/createStacks.ts';
import { type Resources, resourcesOf, synth } from './support.ts';

const URL = 'https://ops.example.com/rowhook';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOfRole(stack: RowhookStack, resources: Resources, role: unknown): Statement[] {
  const roleId = stack.getLogicalId((role as { node: { defaultChild: never } }).node.defaultChild);
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

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asArray(s.Action));

function environmentOf(resources: Resources, stack: RowhookStack, fn: unknown): Record<string, unknown> {
  const id = stack.getLogicalId((fn as { node: { defaultChild: never } }).node.defaultChild);
  const environment = resources[id]?.Properties?.Environment as
    | { Variables: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

describe('rowhook:operatorWebhookUrl', () => {
  it('takes an https URL from the CDK context', () => {
    expect(configFromContext({ 'rowhook:stage': 'dev', 'rowhook:operatorWebhookUrl': URL })).toMatchObject({
      operatorWebhookUrl: URL,
    });
    expect(parseConfig({ stage: 'dev' }).operatorWebhookUrl).toBeUndefined();
  });

  it('refuses plain http and non-URLs, naming the context key', () => {
    expect(() => parseConfig({ stage: 'dev', operatorWebhookUrl: 'http://ops.example.com/' })).toThrow(
      /rowhook:operatorWebhookUrl must be an https:\/\/ URL/,
    );
    expect(() => parseConfig({ stage: 'dev', operatorWebhookUrl: 'ops.example.com' })).toThrow(
      RowhookConfigError,
    );
  });
});

describe('stack without an operator webhook', () => {
  const { stack, template } = synth();
  const resources = resourcesOf(template);

  it('has no operator endpoint resource, output or bus grant on deliver', () => {
    expect(stack.operatorEndpoint).toBeUndefined();
    template.resourceCountIs('Custom::RowhookOperatorEndpoint', 0);
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('OperatorWebhookSecretName');
    const deliver = statementsOfRole(stack, resources, stack.functions.deliver.role);
    expect(actionsOf(deliver)).not.toContain('events:PutEvents');
    expect(environmentOf(resources, stack, stack.functions.deliver)).not.toHaveProperty(ENV.operatorWebhook);
  });
});

describe('stack with an operator webhook', () => {
  const { stack, template } = synth({ operatorWebhookUrl: URL });
  const resources = resourcesOf(template);
  const operator = stack.operatorEndpoint;

  it('reconciles the operator endpoint with a custom resource on its own function', () => {
    expect(operator).toBeDefined();
    const fnId = stack.getLogicalId(operator?.function.node.defaultChild as never);
    template.resourceCountIs('Custom::RowhookOperatorEndpoint', 1);
    template.hasResourceProperties('Custom::RowhookOperatorEndpoint', {
      ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Url: URL,
    });
    const env = environmentOf(resources, stack, operator?.function);
    expect(env[ENV.stage]).toBe('test');
    expect(env[ENV.tableName]).toEqual({
      Ref: stack.getLogicalId(stack.table.table.node.defaultChild as never),
    });
    expect(template.toJSON().Outputs.OperatorWebhookSecretName.Value).toBe(
      `rowhook/test/endpoints/${OPERATOR_ENDPOINT.endpointId}`,
    );
  });

  it('never puts a signing secret in the template', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/whsec_[A-Za-z0-9+/]/);
  });

  it('lets the custom resource write only the operator endpoint secret, never delete it', () => {
    const statements = statementsOfRole(stack, resources, operator?.function.role);
    const secretStatements = statements.filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    expect(actionsOf(secretStatements).sort()).toEqual([
      'secretsmanager:CreateSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
    ]);
    expect(JSON.stringify(secretStatements[0]?.Resource)).toContain(
      `:secret:rowhook/test/endpoints/${OPERATOR_ENDPOINT.endpointId}-??????`,
    );
    expect(actionsOf(statements)).toContain('dynamodb:PutItem');
    expect(actionsOf(statements).filter((a) => a.startsWith('events:') || a.startsWith('sqs:'))).toEqual([]);
  });

  it('lets deliver put events on this bus only, and turns publishing on', () => {
    const deliver = statementsOfRole(stack, resources, stack.functions.deliver.role);
    const put = deliver.filter((s) => actionsOf([s]).includes('events:PutEvents'));
    expect(put).toHaveLength(1);
    expect(put[0]?.Resource).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(stack.bus.bus.node.defaultChild as never), 'Arn'],
    });
    expect(environmentOf(resources, stack, stack.functions.deliver)[ENV.operatorWebhook]).toBe(
      OPERATOR_WEBHOOK_ENABLED,
    );
  });

  it('stays clean under cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    const findings = report.violations
      .filter((v) => v.severity === 'error' || v.severity === 'warning')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
