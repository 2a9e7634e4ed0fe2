import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseConfig, RowhookConfigError } from '../../infra/lib/config.ts';
import { AWS_LAMBDA_TIMEOUTS } from '../../infra/lib/constructs/Database.ts';
import { resourcesOf, synth } from './support.ts';

const ofType = (overrides: Parameters<typeof synth>[0], type: string) =>
  Object.entries(resourcesOf(synth(overrides).template)).filter(([, r]) => r.Type === type);

const nagFindings = (overrides: Parameters<typeof synth>[0]) => {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(synth(overrides).stack);
  return report.violations
    .filter((v) => v.severity === 'error' || v.severity === 'warning')
    .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
};

describe('Aurora: aws_lambda timeouts bound the nudge inside a commit', () => {
  it('sets both aws_lambda timeouts in the cluster parameter group, well under the defaults', () => {
    const [[, group] = []] = ofType({}, 'AWS::RDS::DBClusterParameterGroup');
    const parameters = group?.Properties?.Parameters as Record<string, string>;
    expect(parameters['aws_lambda.connect_timeout_ms']).toBe(
      AWS_LAMBDA_TIMEOUTS['aws_lambda.connect_timeout_ms'],
    );
    expect(parameters['aws_lambda.request_timeout_ms']).toBe(
      AWS_LAMBDA_TIMEOUTS['aws_lambda.request_timeout_ms'],
    );
    const connect = Number(parameters['aws_lambda.connect_timeout_ms']);
    const request = Number(parameters['aws_lambda.request_timeout_ms']);
    // Aurora's defaults are 1000 and 3000 ms; the allowed range is 1-900000.
    expect(connect).toBeGreaterThanOrEqual(1);
    expect(connect).toBeLessThan(1000);
    expect(request).toBeGreaterThanOrEqual(1);
    expect(request).toBeLessThan(3000);
    // A commit waits at most connect + request for a degraded endpoint.
    expect(connect + request).toBeLessThanOrEqual(1000);
    // pg_cron is still preloaded beside them.
    expect(parameters.shared_preload_libraries).toBe('pg_stat_statements,pg_cron');
  });
});

describe('Aurora: optional reader instance (rowhook:readerInstance)', () => {
  it('has only the writer by default', () => {
    expect(ofType({}, 'AWS::RDS::DBInstance')).toHaveLength(1);
  });

  it('adds a Serverless v2 reader in promotion tier 0-1, so a writer failure fails over to it', () => {
    const instances = ofType({ readerInstance: true }, 'AWS::RDS::DBInstance');
    expect(instances).toHaveLength(2);
    for (const [, instance] of instances) {
      expect(instance.Properties?.DBInstanceClass).toBe('db.serverless');
      expect(instance.Properties?.DBClusterIdentifier).toBeDefined();
    }
    // scaleWithWriter: the reader in tier 1 (the writer is 0), a tier Aurora promotes first and
    // scales with the writer, so the promoted reader already has the writer's capacity.
    const tiers = instances.map(([, i]) => i.Properties?.PromotionTier).sort();
    expect(tiers).toEqual([0, 1]);
  });

  it('passes cdk-nag with the reader', () => {
    expect(nagFindings({ readerInstance: true })).toEqual([]);
  });

  it('reads "true"/"false" from -c and refuses anything else', () => {
    expect(parseConfig({ stage: 'dev', readerInstance: 'true' }).readerInstance).toBe(true);
    expect(parseConfig({ stage: 'dev' }).readerInstance).toBe(false);
    expect(() => parseConfig({ stage: 'dev', readerInstance: 'yes' })).toThrow(RowhookConfigError);
  });
});

describe('nudge interval as a stage setting (rowhook:nudgeIntervalMs)', () => {
  it('hands the interval to the migrations resource (default 25 ms, the SQL default)', () => {
    synth().template.hasResourceProperties('Custom::RowhookMigrations', { NudgeIntervalMs: '25' });
    synth({ nudgeIntervalMs: 1000 }).template.hasResourceProperties('Custom::RowhookMigrations', {
      NudgeIntervalMs: '1000',
    });
  });

  it('refuses values the settings column would refuse (0-60000 ms, whole)', () => {
    expect(parseConfig({ stage: 'dev', nudgeIntervalMs: '0' }).nudgeIntervalMs).toBe(0);
    for (const bad of ['-1', '60001', '2.5', 'fast'])
      expect(() => parseConfig({ stage: 'dev', nudgeIntervalMs: bad }), bad).toThrow(/nudgeIntervalMs/);
  });
});

describe('relay reserved concurrency (rowhook:relayReservedConcurrency)', () => {
  const relayProps = (overrides: Parameters<typeof synth>[0]) => {
    const { stack, template } = synth(overrides);
    const id = stack.getLogicalId(stack.functions.relay.node.defaultChild as never);
    return resourcesOf(template)[id]?.Properties ?? {};
  };

  it('reserves 5 by default, and none when set to 0', () => {
    expect(relayProps({}).ReservedConcurrentExecutions).toBe(5);
    expect(relayProps({ relayReservedConcurrency: 0 }).ReservedConcurrentExecutions).toBeUndefined();
    expect(relayProps({ relayReservedConcurrency: 12 }).ReservedConcurrentExecutions).toBe(12);
  });

  it('reserves nothing for the other functions (they share the account pool)', () => {
    const { stack, template } = synth();
    for (const fn of [stack.functions.deliver, stack.functions.api, stack.functions.sweeper]) {
      const id = stack.getLogicalId(fn.node.defaultChild as never);
      expect(resourcesOf(template)[id]?.Properties?.ReservedConcurrentExecutions).toBeUndefined();
    }
  });
});

it('acknowledges no cdk-nag rule for these settings (Validations metadata unchanged by them)', () => {
  const acks = (overrides: Parameters<typeof synth>[0]) =>
    synth(overrides)
      .stack.node.findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .map((m) => Object.keys(m.data as object).join(','))
      .sort();
  expect(acks({ readerInstance: true, nudgeIntervalMs: 500, relayReservedConcurrency: 0 })).toEqual(acks({}));
});

describe('Aurora master secret rotation', () => {
  const { stack, template } = synth();
  const resources = resourcesOf(template);

  // Each schedule names the secret through its cluster attachment (host/port for the rotation function).
  const scheduleOf = (secretName: string) =>
    Object.values(resources).filter((r) => {
      if (r.Type !== 'AWS::SecretsManager::RotationSchedule') return false;
      const attachmentId = (r.Properties?.SecretId as { Ref?: string } | undefined)?.Ref ?? '';
      const secretId =
        (resources[attachmentId]?.Properties?.SecretId as { Ref?: string } | undefined)?.Ref ?? '';
      return resources[secretId]?.Properties?.Name === secretName;
    });

  it('rotates the master (Data API) secret every 30 days with the single-user PostgreSQL rotation', () => {
    const schedules = scheduleOf('rowhook/test/aurora-data-api');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties?.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    const apps = Object.values(resources).filter((r) => r.Type === 'AWS::Serverless::Application');
    expect(apps).toHaveLength(2);
    const mapping = JSON.stringify(template.toJSON().Mappings);
    expect(mapping).toContain('SecretsManagerRDSPostgreSQLRotationSingleUser');
  });

  it('rotates the tenant role secret with alternating users, never before the migrations made the user', () => {
    const schedules = scheduleOf('rowhook/test/aurora-tenant');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties?.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    expect(schedules[0]?.Properties?.RotateImmediatelyOnUpdate).toBe(false);
    expect(JSON.stringify(template.toJSON().Mappings)).toContain(
      'SecretsManagerRDSPostgreSQLRotationMultiUser',
    );
    // The tenant secret is generated for rowhook_app and names the master secret that rotates it.
    const tenantSecret = Object.values(resources).find(
      (r) => r.Properties?.Name === 'rowhook/test/aurora-tenant',
    );
    expect(JSON.stringify(tenantSecret?.Properties?.GenerateSecretString)).toContain('rowhook_app');
    expect(JSON.stringify(tenantSecret?.Properties?.GenerateSecretString)).toContain('masterarn');
  });

  const envOf = (id: string) =>
    (resources[id]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {};

  it('creates the tenant role from the migrations resource, and only the API runs as it', () => {
    const tenantSecretRef = stack.resolve(stack.database.tenantSecret.secretArn);
    template.hasResourceProperties('Custom::RowhookMigrations', { TenantSecretArn: tenantSecretRef });
    const apiId = stack.getLogicalId(stack.functions.api.node.defaultChild as never);
    expect(envOf(apiId).ROWHOOK_DB_TENANT_SECRET_ARN).toEqual(tenantSecretRef);
    for (const fn of [stack.functions.relay, stack.functions.deliver, stack.functions.sweeper]) {
      const id = stack.getLogicalId(fn.node.defaultChild as never);
      expect(envOf(id).ROWHOOK_DB_TENANT_SECRET_ARN).toBeUndefined();
    }
  });

  it('gives the rotation function a Secrets Manager endpoint that only it may reach (no NAT)', () => {
    const endpoints = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::VPCEndpoint' &&
        JSON.stringify(r.Properties?.ServiceName).includes('.secretsmanager'),
    );
    expect(endpoints).toHaveLength(1);
    const [groupRef] = (endpoints[0]?.Properties?.SecurityGroupIds ?? []) as Array<{
      'Fn::GetAtt': [string, string];
    }>;
    const endpointGroup = groupRef?.['Fn::GetAtt'][0];
    const ingress = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroupIngress' &&
        JSON.stringify(r.Properties?.GroupId).includes(String(endpointGroup)),
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties?.FromPort).toBe(443);
    expect(JSON.stringify(ingress[0]?.Properties?.SourceSecurityGroupId)).toContain('RotationSecurityGroup');
  });

  it('no longer acknowledges AwsSolutions-SMG4 on the master secret', () => {
    const secret = stack.database.cluster.secret;
    const acked = (secret?.node.metadata ?? []).filter(
      (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
    );
    expect(JSON.stringify(acked)).not.toContain('SMG4');
  });
});
