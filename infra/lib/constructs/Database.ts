import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PG_CRON_SWEEP, TENANT_ROLE } from '../../../functions/adapters/aws/migrations/constants.ts';
import { REPO_ROOT } from '../paths.ts';
import { nodeFunction } from './nodeFunction.ts';

export interface DatabaseProps {
  readonly stage: string;
  readonly minAcu: number;
  readonly maxAcu: number;
  readonly deletionProtection: boolean;
  /** Adds a Serverless v2 reader in the writer's promotion tier, so a writer failure fails over to it. */
  readonly readerInstance?: boolean;
  /** rowhook.settings.nudge_interval_ms, applied by the migrations resource at every deploy. */
  readonly nudgeIntervalMs?: number;
  /** Folder of numbered migrations applied at deploy time; defaults to `sql/migrations`. */
  readonly migrationsDir?: string;
}

export const DATABASE_NAME = 'rowhook';

/**
 * `aws_lambda` extension timeouts (dynamic parameters, 1-900000 ms; Aurora's defaults are 1000 ms to
 * connect and 3000 ms for the response). The capture trigger's nudge is an async ('Event') invoke
 * made inside the writer's commit, so a degraded Lambda endpoint would otherwise hold every
 * committing transaction for up to 4 s. An Event invoke answers 202 in tens of milliseconds, so these
 * bound the stall at 0.7 s; a nudge that times out is caught by send_nudge() (a warning) and the
 * events wait for the next nudge or sweep (10 s with pg_cron, 1 min without).
 */
export const AWS_LAMBDA_TIMEOUTS = {
  'aws_lambda.connect_timeout_ms': '200',
  'aws_lambda.request_timeout_ms': '500',
} as const;

/**
 * Cluster parameters. `pg_cron` must be preloaded (static: applies when the writer starts, i.e. at
 * creation, or after a reboot on a cluster that predates it); `pg_stat_statements` is Aurora
 * PostgreSQL's default value of `shared_preload_libraries`, kept so Performance Insights and
 * `pg_stat_statements` keep working. `cron.database_name` makes `rowhook` the database whose
 * `cron.job` table the pg_cron worker reads, so the migration custom resource can create the
 * extension and schedule `rowhook-sweep` there (see functions/adapters/aws/migrations/pgCron.ts).
 */
export const CLUSTER_PARAMETERS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_stat_statements,pg_cron',
  'cron.database_name': DATABASE_NAME,
  ...AWS_LAMBDA_TIMEOUTS,
};

/**
 * Aurora PostgreSQL Serverless v2 with the Data API on (the Lambdas reach it over HTTPS, so none of
 * them runs in the VPC), the `aws_lambda` extension's role associated under feature name `Lambda`,
 * and the migrations applied by a custom resource over the Data API on every deploy. A cluster
 * parameter group preloads `pg_cron`, which the custom resource uses (when the engine ships ≥ 1.5)
 * to run the sweep nudge every 10 seconds inside the database.
 *
 * The cluster sits in isolated subnets (no NAT). Its only way out is an interface endpoint for
 * Lambda, which the capture trigger's `aws_lambda.invoke` nudge needs.
 */
export class Database extends Construct {
  readonly vpc: ec2.Vpc;
  readonly cluster: rds.DatabaseCluster;
  /** Master credentials used by the Data API (generated, stored in Secrets Manager). */
  readonly dataApiSecretArn: string;
  /** Rotation of the master secret (single user, 30 days). */
  readonly masterRotation: secretsmanager.SecretRotation;
  /**
   * Credentials of the role tenant-scoped Data API calls run as (`rowhook_app`, a member of
   * `rowhook_tenant`: row-level security applies to it). The migrations resource creates the role.
   */
  readonly tenantSecret: secretsmanager.ISecret;
  /** Alternating-users rotation of the tenant secret (30 days), run with the master secret. */
  readonly tenantRotation: secretsmanager.SecretRotation;
  private readonly rotationNetwork: {
    endpoint: ec2.InterfaceVpcEndpoint;
    securityGroup: ec2.SecurityGroup;
  };
  /** Role the cluster assumes to call `aws_lambda.invoke`; may invoke the relay function only. */
  readonly lambdaInvokeRole: iam.Role;
  /** Cluster parameter group: `pg_cron` preloaded, `cron.database_name` = the Rowhook database. */
  readonly parameterGroup: rds.ParameterGroup;
  readonly databaseName = DATABASE_NAME;
  private readonly migrationsDir: string;
  private readonly nudgeIntervalMs: number | undefined;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.migrationsDir = props.migrationsDir ?? path.join(REPO_ROOT, 'sql', 'migrations');
    this.nudgeIntervalMs = props.nudgeIntervalMs;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    const dbSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: this.vpc,
      description: 'Rowhook Aurora cluster: no inbound (Data API only); HTTPS out to the Lambda endpoint',
      allowAllOutbound: false,
    });
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'LambdaEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Lambda interface endpoint: HTTPS from the Rowhook Aurora cluster only',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(dbSecurityGroup, ec2.Port.tcp(443), 'aws_lambda.invoke from Aurora');
    dbSecurityGroup.addEgressRule(endpointSecurityGroup, ec2.Port.tcp(443), 'aws_lambda.invoke to Lambda');
    this.vpc.addInterfaceEndpoint('LambdaEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
      securityGroups: [endpointSecurityGroup],
      privateDnsEnabled: true,
      open: false,
    });

    const clusterIdentifier = `rowhook-${props.stage}`;
    const clusterArn = Stack.of(this).formatArn({
      service: 'rds',
      resource: 'cluster',
      resourceName: clusterIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.lambdaInvokeRole = new iam.Role(this, 'AwsLambdaExtensionRole', {
      // Confused-deputy guard: only this account's Rowhook cluster may assume it. The ARN is built
      // from the fixed cluster identifier (not `cluster.clusterArn`), since the cluster itself
      // references this role and a token would be a circular dependency.
      assumedBy: new iam.ServicePrincipal('rds.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': clusterArn },
        },
      }),
      description: 'Assumed by Aurora for aws_lambda.invoke: may invoke the Rowhook relay function only',
    });

    const engine = rds.DatabaseClusterEngine.auroraPostgres({
      version: rds.AuroraPostgresEngineVersion.VER_16_6,
    });
    this.parameterGroup = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine,
      description: `Rowhook ${props.stage}: pg_cron preloaded for the in-database sweep nudge`,
      parameters: { ...CLUSTER_PARAMETERS },
    });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      parameterGroup: this.parameterGroup,
      writer: rds.ClusterInstance.serverlessV2('writer', { autoMinorVersionUpgrade: true }),
      // scaleWithWriter puts the reader in promotion tier 0-1, so it follows the writer's capacity
      // and is the failover target: a writer failure costs a promotion (~30 s), not a rebuild.
      readers: props.readerInstance
        ? [
            rds.ClusterInstance.serverlessV2('reader', {
              autoMinorVersionUpgrade: true,
              scaleWithWriter: true,
            }),
          ]
        : [],
      serverlessV2MinCapacity: props.minAcu,
      serverlessV2MaxCapacity: props.maxAcu,
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSecurityGroup],
      clusterIdentifier,
      credentials: rds.Credentials.fromGeneratedSecret('rowhook_admin', {
        secretName: `rowhook/${props.stage}/aurora-data-api`,
      }),
      defaultDatabaseName: DATABASE_NAME,
      enableDataApi: true,
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      backup: { retention: Duration.days(7) },
      cloudwatchLogsExports: ['postgresql'],
    });
    // Created here with a retention instead of through `cloudwatchLogsRetention`, which would add a
    // LogRetention custom-resource Lambda.
    const postgresLog = new logs.LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/rowhook-${props.stage}/postgresql`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.cluster.node.addDependency(postgresLog);
    if (!this.cluster.secret) throw new Error('Aurora cluster has no generated secret');
    this.dataApiSecretArn = this.cluster.secret.secretArn;
    this.rotationNetwork = this.addRotationNetwork();
    this.masterRotation = this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ...this.rotationNetwork,
    });
    // attach() adds the cluster's host, port and identifier, as the rotation Lambda needs them.
    this.tenantSecret = new rds.DatabaseSecret(this, 'TenantSecret', {
      username: TENANT_ROLE.username,
      secretName: `rowhook/${props.stage}/aurora-tenant`,
      masterSecret: this.cluster.secret,
    }).attach(this.cluster);
    // The first rotation clones the user (`rowhook_app_clone`, a member of `rowhook_app`), so it
    // must not run before the migrations resource has created the user. With rotateImmediatelyOnUpdate
    // off the first run is 30 days after the deploy. (A dependency on that resource cannot be
    // expressed: it depends on the cluster, and the rotation belongs to the cluster.)
    this.tenantRotation = this.cluster.addRotationMultiUser('TenantRotation', {
      secret: this.tenantSecret,
      automaticallyAfter: Duration.days(30),
      rotateImmediatelyOnUpdate: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ...this.rotationNetwork,
    });

    // Escape hatch: the L2 only associates S3 import/export roles; aws_lambda needs feature `Lambda`.
    const cfnCluster = this.cluster.node.defaultChild as rds.CfnDBCluster;
    cfnCluster.associatedRoles = [{ roleArn: this.lambdaInvokeRole.roleArn, featureName: 'Lambda' }];
  }

  /**
   * What the rotation Lambdas (from the Serverless Application Repository) need in the isolated
   * subnets: the cluster's port (opened by addRotation*) and an interface endpoint of their own for
   * Secrets Manager (there is no NAT). The Data API reads a secret on every call, so it follows a new
   * password once AWSCURRENT moves; single-user rotation leaves a few seconds in which calls fail to
   * log in (the relay and sweeper retry on their next run); alternating users leaves none.
   */
  private addRotationNetwork() {
    const securityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: this.vpc,
      description:
        'Rowhook Aurora secret rotation Lambdas: PostgreSQL to the cluster, HTTPS to Secrets Manager',
      allowAllOutbound: false,
    });
    const endpointSecurityGroup = new ec2.SecurityGroup(this, 'SecretsManagerEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Secrets Manager interface endpoint: HTTPS from the Rowhook rotation Lambdas only',
      allowAllOutbound: false,
    });
    endpointSecurityGroup.addIngressRule(securityGroup, ec2.Port.tcp(443), 'rotation Lambda');
    securityGroup.addEgressRule(endpointSecurityGroup, ec2.Port.tcp(443), 'Secrets Manager');
    const endpoint = this.vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      securityGroups: [endpointSecurityGroup],
      privateDnsEnabled: true,
      open: false,
    });
    return { endpoint, securityGroup };
  }

  /** Lets Aurora's `aws_lambda.invoke` call this function, and nothing else. */
  allowInvoke(relay: lambda.IFunction): void {
    this.lambdaInvokeRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [relay.functionArn] }),
    );
  }

  /**
   * Applies the numbered migrations over the Data API, points the nudge at `relay`, then schedules
   * the pg_cron sweep nudge where the engine allows it (best effort; see
   * functions/adapters/aws/migrations/pgCron.ts).
   */
  addMigrations(relay: lambda.IFunction, logRetention: logs.RetentionDays): CustomResource {
    const files = readdirSync(this.migrationsDir)
      .filter((name) => name.endsWith('.sql'))
      .sort();
    const migrations = files.map((name) => {
      const sql = readFileSync(path.join(this.migrationsDir, name), 'utf8');
      return `${name}:${createHash('sha256').update(sql).digest('hex')}`;
    });
    const migrationsDir = this.migrationsDir;
    const fn = nodeFunction(this, 'Migrate', {
      entry: path.join(REPO_ROOT, 'functions', 'handlers', 'migrate.ts'),
      serviceName: 'rowhook-migrate',
      description: 'Applies sql/migrations to Aurora over the Data API (CloudFormation custom resource)',
      timeout: Duration.minutes(10),
      memorySize: 256,
      logRetention,
      environment: {},
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_input: string, output: string) => [
          `mkdir -p "${output}/migrations"`,
          `cp "${migrationsDir}"/*.sql "${output}/migrations/"`,
        ],
      },
    });
    this.cluster.grantDataApiAccess(fn);
    this.tenantSecret.grantRead(fn);
    // CloudFormation invokes the service token with the deployer's credentials: no resource policy.
    const resource = new CustomResource(this, 'Migrations', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::RowhookMigrations',
      properties: {
        ClusterArn: this.cluster.clusterArn,
        SecretArn: this.dataApiSecretArn,
        TenantSecretArn: this.tenantSecret.secretArn,
        Database: DATABASE_NAME,
        RelayFunctionArn: relay.functionArn,
        Region: Stack.of(this).region,
        Migrations: migrations,
        // In the template so that adding or changing the pg_cron sweep re-runs this resource.
        PgCronSweepJob: PG_CRON_SWEEP.job,
        PgCronSweepSchedule: PG_CRON_SWEEP.schedule,
        // rowhook:nudgeIntervalMs; a change re-runs this resource, which sets it in rowhook.settings.
        ...(this.nudgeIntervalMs === undefined ? {} : { NudgeIntervalMs: String(this.nudgeIntervalMs) }),
      },
    });
    // The writer instance must be up before the Data API can run anything.
    resource.node.addDependency(this.cluster);
    return resource;
  }
}
