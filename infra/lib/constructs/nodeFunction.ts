import path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../paths.ts';

export interface NodeFunctionProps {
  readonly entry: string;
  /** POWERTOOLS_SERVICE_NAME, also the `service` dimension of every EMF metric. */
  readonly serviceName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly environment: Record<string, string>;
  readonly commandHooks?: nodejs.ICommandHooks;
}

export const METRICS_NAMESPACE = 'Rowhook';

/**
 * Every Rowhook Lambda: Node.js 22 on ARM64, bundled by esbuild as ESM (with a `require` shim for
 * CommonJS dependencies), its own log group with a retention, and its own role with no managed
 * policy: the only grants are the log group write below plus what the caller adds.
 */
export function nodeFunction(scope: Construct, id: string, props: NodeFunctionProps): nodejs.NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Rowhook ${props.serviceName} function`,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  return new nodejs.NodejsFunction(scope, id, {
    entry: props.entry,
    handler: 'handler',
    description: props.description,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...props.environment,
    },
    bundling: {
      format: nodejs.OutputFormat.ESM,
      target: 'node22',
      platform: 'node',
      mainFields: ['module', 'main'],
      minify: true,
      // Keep class and function names through minification: error names in logs stay readable.
      keepNames: true,
      sourceMap: true,
      // Bundle the pinned AWS SDK v3 clients instead of using the runtime's copy.
      externalModules: [],
      banner:
        "import { createRequire as __rowhookCreateRequire } from 'node:module'; const require = __rowhookCreateRequire(import.meta.url);",
      ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
    },
  });
}
