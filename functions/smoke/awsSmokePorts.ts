import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../adapters/aws/dynamo/createDocumentClient.ts';
import { readAdminToken } from '../adapters/aws/readAdminToken.ts';
import { DataApiCanaryDatabase } from './adapters/DataApiCanaryDatabase.ts';
import { DynamoCanaryRecords } from './adapters/DynamoCanaryRecords.ts';
import { HttpCanaryApi } from './adapters/HttpCanaryApi.ts';
import type { SmokeDependencies } from './runSmoke.ts';
import { type DescribeStacksAnswer, outputsOf, type SmokeTarget } from './stackOutputs.ts';

const regionConfig = (region: string | undefined) => (region ? { region } : {});

/** The real clients for a smoke run against a stack. */
export function smokeDependencies(
  target: SmokeTarget,
  adminToken: string,
  region: string | undefined,
): SmokeDependencies {
  return {
    api: new HttpCanaryApi(target.apiUrl, adminToken),
    database: new DataApiCanaryDatabase(new RDSDataClient(regionConfig(region)), {
      resourceArn: target.clusterArn,
      secretArn: target.dataApiSecretArn,
      database: target.databaseName,
    }),
    records: new DynamoCanaryRecords(createDocumentClient(regionConfig(region)), target.canaryTableName),
    clock: { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  };
}

export const readSecret = (secretArn: string, region: string | undefined) =>
  readAdminToken(new SecretsManagerClient(regionConfig(region)), secretArn);

/** DescribeStacks → output key/value pairs. */
export async function stackOutputs(
  stack: string,
  region: string | undefined,
): Promise<Record<string, string>> {
  const client = new CloudFormationClient(regionConfig(region));
  return outputsOf(
    stack,
    (await client.send(new DescribeStacksCommand({ StackName: stack }))) as DescribeStacksAnswer,
  );
}
