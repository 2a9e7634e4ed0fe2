import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  apiKeyKey,
  endpointKey,
  endpointRefKey,
  tenantKey,
} from '../../functions/adapters/aws/dynamo/keys.ts';
import { SecretsManagerSecretStore } from '../../functions/adapters/aws/SecretsManagerSecretStore.ts';
import { OPERATOR_ENDPOINT } from '../../functions/core/health/constants.ts';
import { Secrets } from '../../infra/lib/constructs/Secrets.ts';
import { type Resources, resourcesOf, synth } from './support.ts';

interface Statement {
  Effect: string;
  Condition?: Record<string, Record<string, unknown>>;
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

/** IAM's ARN glob: `*` any run of characters (including `/`), `?` exactly one. */
function iamGlobMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}

/** The resource patterns of every statement attached to a function's role, as flat text. */
function secretStatementsOf(
  resources: Resources,
  roleId: string,
): Array<{ actions: string[]; resources: string[] }> {
  const out: Array<{ actions: string[]; resources: string[] }> = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties?.Roles as Array<{ Ref?: string }> | undefined;
    if (!roles?.some((r) => r.Ref === roleId)) continue;
    const doc = resource.Properties?.PolicyDocument as { Statement: Statement[] };
    for (const statement of doc.Statement) {
      const actions = asArray(statement.Action).filter((a) => a.startsWith('secretsmanager:'));
      if (actions.length === 0) continue;
      out.push({ actions, resources: asArray(statement.Resource).map((r) => JSON.stringify(r)) });
    }
  }
  return out;
}

describe('endpoint auth secrets (receiver credentials) are separate from signing secrets', () => {
  const { stack, template } = synth();
  const resources = resourcesOf(template);
  const roleIdOf = (name: 'relay' | 'deliver' | 'sweeper' | 'sync' | 'api') => {
    const role = stack.functions[name].role;
    if (!role) throw new Error(`${name} has no role`);
    return stack.getLogicalId(role.node.defaultChild as never);
  };
  const SIGNING = 'rowhook/test/endpoints/*';
  const AUTH = 'rowhook/test/endpoint-auth/*';
  const RECEIVER = 'rowhook/test/endpoint-receiver/*';
  const touches = (statements: Array<{ resources: string[] }>, prefix: string) =>
    statements.some((s) => s.resources.some((r) => r.includes(prefix)));

  for (const name of ['relay', 'deliver', 'sweeper'] as const) {
    it(`${name} reads signing secrets only, never the auth prefix`, () => {
      const statements = secretStatementsOf(resources, roleIdOf(name));
      expect(touches(statements, SIGNING)).toBe(true);
      expect(JSON.stringify(statements)).not.toContain('endpoint-auth');
      for (const s of statements.filter((s) => !touches([s], RECEIVER)))
        expect(s.actions.sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    });
  }

  it('receiver secrets: deliver and sync read them (GetSecretValue only), relay and sweeper never', () => {
    for (const name of ['deliver', 'sync'] as const) {
      const receiver = secretStatementsOf(resources, roleIdOf(name)).filter((s) => touches([s], RECEIVER));
      expect(receiver).toEqual([
        { actions: ['secretsmanager:GetSecretValue'], resources: [expect.any(String)] },
      ]);
    }
    for (const name of ['relay', 'sweeper'] as const)
      expect(JSON.stringify(secretStatementsOf(resources, roleIdOf(name)))).not.toContain(
        'endpoint-receiver',
      );
    const api = secretStatementsOf(resources, roleIdOf('api')).filter((s) => touches([s], RECEIVER));
    expect(api.map((s) => s.actions.sort())).toEqual([
      [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
      ],
    ]);
  });

  it('sync reads auth secrets (GetSecretValue only) and no signing secrets', () => {
    const statements = secretStatementsOf(resources, roleIdOf('sync'));
    const auth = statements.filter((s) => s.resources.some((r) => r.includes(AUTH)));
    expect(auth).toEqual([{ actions: ['secretsmanager:GetSecretValue'], resources: [expect.any(String)] }]);
    expect(touches(statements, 'rowhook/test/endpoints/')).toBe(false);
  });

  it('api writes and deletes auth secrets without reading them, and manages signing secrets', () => {
    const statements = secretStatementsOf(resources, roleIdOf('api'));
    const auth = statements.filter((s) => s.resources.some((r) => r.includes(AUTH)));
    expect(auth).toHaveLength(1);
    expect(auth[0]?.resources).toHaveLength(1);
    expect(auth[0]?.actions.sort()).toEqual([
      'secretsmanager:CreateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:PutSecretValue',
    ]);
    expect(touches(statements, SIGNING)).toBe(true);
  });

  it('uses patterns that match neither the other prefix nor another stage (dev vs dev-2)', () => {
    const app = new App();
    const patterns = (stage: string) => {
      const secrets = new Secrets(new Stack(app, `S-${stage}`), 'Secrets', { stage });
      return { signing: `${secrets.endpointSecretPrefix}*`, auth: `${secrets.endpointAuthSecretPrefix}*` };
    };
    // The names the runtime store really uses, plus the 6-character suffix Secrets Manager appends.
    const names = (stage: string) => {
      const store = new SecretsManagerSecretStore(new SecretsManagerClient({ region: 'eu-west-1' }), {
        stage,
      });
      return {
        signing: `${store.secretName('ep_1')}-AbC123`,
        auth: `${store.authSecretName('ep_1')}-AbC123`,
      };
    };
    const dev = patterns('dev');
    const devNames = names('dev');
    const dev2Names = names('dev-2');
    expect(iamGlobMatches(dev.signing, devNames.signing)).toBe(true);
    expect(iamGlobMatches(dev.auth, devNames.auth)).toBe(true);
    expect(iamGlobMatches(dev.signing, devNames.auth)).toBe(false);
    expect(iamGlobMatches(dev.auth, devNames.signing)).toBe(false);
    for (const name of Object.values(dev2Names)) {
      expect(iamGlobMatches(dev.signing, name), name).toBe(false);
      expect(iamGlobMatches(dev.auth, name), name).toBe(false);
    }
    const dev2 = patterns('dev-2');
    for (const name of Object.values(devNames)) {
      expect(iamGlobMatches(dev2.signing, name), name).toBe(false);
      expect(iamGlobMatches(dev2.auth, name), name).toBe(false);
    }
  });
});

/** Every statement attached (through an AWS::IAM::Policy) to the role with this logical id. */
function statementsOfRole(resources: Resources, roleId: string): Statement[] {
  return policyStatements(resources)
    .filter(({ owner }) => {
      const roles = resources[owner]?.Properties?.Roles as Array<{ Ref?: string }> | undefined;
      return roles?.some((r) => r.Ref === roleId) ?? false;
    })
    .map(({ statement }) => statement);
}

const dynamoActions = (statements: Statement[]) =>
  statements.flatMap((s) => asArray(s.Action)).filter((a) => a.startsWith('dynamodb:'));

describe('DynamoDB grants: only the calls each function makes', () => {
  const { stack, template } = synth();
  const resources = resourcesOf(template);
  const roleId = (fn: { role?: { node: { defaultChild?: unknown } } }) =>
    stack.getLogicalId(fn.role?.node.defaultChild as never);

  for (const name of ['relay', 'sweeper'] as const) {
    it(`${name} reads the table (endpoint lookups) and cannot write or delete items`, () => {
      const actions = dynamoActions(statementsOfRole(resources, roleId(stack.functions[name])));
      expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      for (const write of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'])
        expect(actions).not.toContain(write);
    });
  }

  it('deliver and api keep item writes (attempt log, endpoints, dead letters)', () => {
    for (const fn of [stack.functions.deliver, stack.functions.api]) {
      const actions = dynamoActions(statementsOfRole(resources, roleId(fn)));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem']));
    }
  });
});

describe('operator endpoint custom resource: DynamoDB limited to the operator tenant (LeadingKeys)', () => {
  const { stack, template } = synth({ operatorWebhookUrl: 'https://ops.example.com/rowhook' });
  const resources = resourcesOf(template);
  const operator = stack.operatorEndpoint;
  if (!operator) throw new Error('operator endpoint not synthesized');
  const statements = statementsOfRole(
    resources,
    stack.getLogicalId(operator.function.role?.node.defaultChild as never),
  ).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
  const patterns = () =>
    (statements[0]?.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []) as string[];
  const allowed = (pk: string) => patterns().some((p) => iamGlobMatches(p, pk));

  it('has one DynamoDB statement, conditioned on dynamodb:LeadingKeys', () => {
    expect(statements).toHaveLength(1);
    expect(Object.keys(statements[0]?.Condition ?? {})).toEqual(['ForAllValues:StringLike']);
    expect(patterns().length).toBeGreaterThan(0);
  });

  it('allows every partition key ensureOperatorEndpoint reads or writes', () => {
    const { tenantId, endpointId } = OPERATOR_ENDPOINT;
    for (const key of [
      tenantKey(tenantId),
      endpointKey(tenantId, endpointId),
      endpointRefKey(endpointId),
      apiKeyKey(Buffer.alloc(32, 7)),
    ])
      expect(allowed(key.PK), key.PK).toBe(true);
  });

  it("refuses a customer tenant's items and other endpoints' refs", () => {
    for (const key of [
      tenantKey('acme'),
      endpointKey('acme', 'ep_1'),
      endpointRefKey('ep_000000000000000000000002'),
      tenantKey(`${OPERATOR_ENDPOINT.tenantId}-2`),
    ])
      expect(allowed(key.PK), key.PK).toBe(false);
    expect(allowed('DELIVERY#dlv_1')).toBe(false);
    expect(allowed('FAILED#dlv_1')).toBe(false);
  });
});
