import { describe, expect, it } from 'vitest';
import { type Resources, resourcesOf, synth } from './support.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

/**
 * The only statements allowed a literal `*` resource, each because AWS offers no resource-level
 * permission for the action (https://docs.aws.amazon.com/service-authorization/latest/reference/):
 */
const STAR_RESOURCE_EXCEPTIONS: Record<string, string> = {
  // Added by the DynamoDB stream event source on the sync function; ListStreams is account-level.
  'dynamodb:ListStreams': 'ListStreams has no resource type in IAM',
};

function policyStatements(resources: Resources): Array<{ owner: string; statement: Statement }> {
  const out: Array<{ owner: string; statement: Statement }> = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::IAM::Policy') {
      const doc = resource.Properties?.PolicyDocument as { Statement: Statement[] };
      for (const statement of doc.Statement) out.push({ owner: id, statement });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      const policies = (resource.Properties?.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Statement[] };
      }>;
      for (const policy of policies)
        for (const statement of policy.PolicyDocument.Statement) out.push({ owner: id, statement });
    }
  }
  return out;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * A resource is "this stack's" when it points at a resource of the template (Ref / GetAtt, or a
 * Join that contains one), or is an ARN built for this account and region (Join with
 * AWS::AccountId and a rowhook- / rowhook/ name prefix for resources created at runtime).
 */
function isStackScoped(resource: unknown, logicalIds: Set<string>): boolean {
  if (resource && typeof resource === 'object') {
    const r = resource as Record<string, unknown>;
    if (typeof r.Ref === 'string') return logicalIds.has(r.Ref);
    const getAtt = r['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return logicalIds.has(String(getAtt[0]));
    const join = r['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      const parts = join[1] as unknown[];
      if (parts.some((p) => isStackScoped(p, logicalIds))) return true;
      const text = JSON.stringify(parts);
      return text.includes('"AWS::AccountId"') && /rowhook[-/]test[-/]/.test(text);
    }
  }
  return false;
}

describe('IAM least privilege', () => {
  const { template } = synth();
  const resources = resourcesOf(template);
  const logicalIds = new Set(Object.keys(resources));
  const statements = policyStatements(resources);

  it('finds the policies to check', () => {
    expect(statements.length).toBeGreaterThan(20);
  });

  it('never allows a wildcard action (no "*", no "service:*")', () => {
    for (const { owner, statement } of statements) {
      expect(statement.NotAction, owner).toBeUndefined();
      for (const action of asArray(statement.Action)) {
        expect(action, `${owner}: ${action}`).not.toBe('*');
        expect(action, `${owner}: ${action}`).not.toMatch(/:\*$/);
        expect(action, `${owner}: ${action}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  it("scopes every resource to this stack's ARNs, except documented AWS-required stars", () => {
    for (const { owner, statement } of statements) {
      expect(statement.NotResource, owner).toBeUndefined();
      for (const resource of asArray(statement.Resource)) {
        if (resource === '*') {
          for (const action of asArray(statement.Action)) {
            expect(
              STAR_RESOURCE_EXCEPTIONS[action],
              `${owner}: ${action} on "*" is not a documented exception`,
            ).toBeDefined();
          }
          continue;
        }
        expect(isStackScoped(resource, logicalIds), `${owner}: ${JSON.stringify(resource)}`).toBe(true);
      }
    }
  });

  it('gives no role an AWS managed policy (every grant is written out here)', () => {
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      expect(resource.Properties?.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('grants no action the handlers never call', () => {
    // Neither functions/ nor EventBridge on its behalf calls these (no tags on created secrets, no
    // rule reads); secretsmanager:UpdateSecret stays on connection secrets for UpdateConnection.
    const unused = ['events:DescribeRule', 'events:ListTargetsByRule', 'secretsmanager:TagResource'];
    for (const { owner, statement } of statements) {
      for (const action of asArray(statement.Action))
        expect(unused, `${owner}: ${action}`).not.toContain(action);
    }
  });

  it('lets the Aurora role invoke only the relay function', () => {
    const stack = synth().stack;
    const roleId = stack.getLogicalId(stack.database.lambdaInvokeRole.node.defaultChild as never);
    const relayId = stack.getLogicalId(stack.functions.relay.node.defaultChild as never);
    const own = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    expect(own).toHaveLength(1);
    const document = own[0]?.Properties?.PolicyDocument as { Statement: Statement[] } | undefined;
    expect(document?.Statement).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [relayId, 'Arn'] } },
    ]);
  });
});
