import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { stackOutputs } from '../../../functions/smoke/awsSmokePorts.ts';

const cloudFormation = mockClient(CloudFormationClient);

afterEach(() => {
  cloudFormation.reset();
});

describe('stackOutputs (the smoke command reading a deployed stack)', () => {
  it('asks CloudFormation for the named stack and returns its outputs by key', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'rowhook-dev',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ApiUrl', OutputValue: 'https://api.example' },
            { OutputKey: 'DatabaseName', OutputValue: 'rowhook' },
          ],
        },
      ],
    });
    expect(await stackOutputs('rowhook-dev', 'eu-west-1')).toEqual({
      ApiUrl: 'https://api.example',
      DatabaseName: 'rowhook',
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'rowhook-dev' },
    ]);
  });

  it('says which stack was not found', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    await expect(stackOutputs('nope', undefined)).rejects.toThrow('stack nope was not found');
  });
});
