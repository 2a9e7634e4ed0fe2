import { SmokeError } from './errors.ts';

/** Output keys of the Rowhook stack the smoke check reads (infra/lib/createStacks.ts). */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  adminTokenSecretArn: 'AdminTokenSecretArn',
  clusterArn: 'DatabaseClusterArn',
  dataApiSecretArn: 'DataApiSecretArn',
  databaseName: 'DatabaseName',
  receiverUrl: 'CanaryReceiverUrl',
  canaryTableName: 'CanaryTableName',
} as const;

export interface SmokeTarget {
  readonly apiUrl: string;
  readonly adminTokenSecretArn: string;
  readonly clusterArn: string;
  readonly dataApiSecretArn: string;
  readonly databaseName: string;
  readonly receiverUrl: string;
  readonly canaryTableName: string;
}

/** The shape of a CloudFormation DescribeStacks answer, as much of it as is read here. */
export interface DescribeStacksAnswer {
  readonly Stacks?: ReadonlyArray<{
    readonly StackStatus?: string;
    readonly Outputs?: ReadonlyArray<{ readonly OutputKey?: string; readonly OutputValue?: string }>;
  }>;
}

/** Output key → value of the one stack DescribeStacks returned. */
export function outputsOf(stack: string, answer: DescribeStacksAnswer): Record<string, string> {
  const found = answer.Stacks?.[0];
  if (!found) throw new SmokeError('stack_not_found', `stack ${stack} was not found`);
  const outputs: Record<string, string> = {};
  for (const o of found.Outputs ?? []) if (o.OutputKey && o.OutputValue) outputs[o.OutputKey] = o.OutputValue;
  return outputs;
}

/** What the smoke needs from the outputs; names what is missing, and how to get the canary ones. */
export function smokeTargetFromOutputs(stack: string, outputs: Record<string, string>): SmokeTarget {
  const get = (key: string) => outputs[key];
  const missing = Object.values(STACK_OUTPUTS).filter((key) => !get(key));
  if (missing.length > 0) {
    const canary = missing.some(
      (k) => k === STACK_OUTPUTS.receiverUrl || k === STACK_OUTPUTS.canaryTableName,
    );
    throw new SmokeError(
      'stack_outputs_missing',
      `stack ${stack} lacks the output(s) ${missing.join(', ')}` +
        (canary ? '; deploy it with the canary on: npx cdk deploy -c rowhook:canary=true' : ''),
    );
  }
  return {
    apiUrl: get(STACK_OUTPUTS.apiUrl) as string,
    adminTokenSecretArn: get(STACK_OUTPUTS.adminTokenSecretArn) as string,
    clusterArn: get(STACK_OUTPUTS.clusterArn) as string,
    dataApiSecretArn: get(STACK_OUTPUTS.dataApiSecretArn) as string,
    databaseName: get(STACK_OUTPUTS.databaseName) as string,
    receiverUrl: get(STACK_OUTPUTS.receiverUrl) as string,
    canaryTableName: get(STACK_OUTPUTS.canaryTableName) as string,
  };
}
