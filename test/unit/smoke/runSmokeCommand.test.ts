import { describe, expect, it } from 'vitest';
import { SMOKE_EXIT } from '../../../functions/smoke/constants.ts';
import { parseSmokeArgs } from '../../../functions/smoke/parseSmokeArgs.ts';
import { runSmokeCommand, type SmokeCommandPorts } from '../../../functions/smoke/runSmokeCommand.ts';
import { outputsOf, STACK_OUTPUTS } from '../../../functions/smoke/stackOutputs.ts';
import { FakeCanary } from './fakeCanary.ts';

const OUTPUTS: Record<string, string> = {
  [STACK_OUTPUTS.apiUrl]: 'https://api.example.test/',
  [STACK_OUTPUTS.adminTokenSecretArn]: 'arn:aws:secretsmanager:eu-west-1:1:secret:admin',
  [STACK_OUTPUTS.clusterArn]: 'arn:aws:rds:eu-west-1:1:cluster:c',
  [STACK_OUTPUTS.dataApiSecretArn]: 'arn:aws:secretsmanager:eu-west-1:1:secret:db',
  [STACK_OUTPUTS.databaseName]: 'rowhook',
  [STACK_OUTPUTS.receiverUrl]: 'https://rx.example.test/',
  [STACK_OUTPUTS.canaryTableName]: 'rowhook-dev-canary',
};

function ports(world: FakeCanary, outputs: Record<string, string> = OUTPUTS) {
  const printed: string[] = [];
  const errors: string[] = [];
  const seen: Array<{ stack: string; region: string | undefined }> = [];
  const p: SmokeCommandPorts = {
    stackOutputs: async (stack, region) => {
      seen.push({ stack, region });
      return outputs;
    },
    readSecret: async () => 'admin-token',
    dependencies: () => world.dependencies,
    newRunId: () => 'run9',
    print: (text) => printed.push(text),
    printError: (text) => errors.push(text),
  };
  return { p, printed, errors, seen };
}

describe('npm run smoke', () => {
  it('exits 0 and prints a line per path when both are verified', async () => {
    const { p, printed, seen } = ports(new FakeCanary());
    expect(await runSmokeCommand(['--stack', 'Rowhook-dev', '--region=eu-west-1'], p)).toBe(
      SMOKE_EXIT.verified,
    );
    expect(seen).toEqual([{ stack: 'Rowhook-dev', region: 'eu-west-1' }]);
    const text = printed.join('\n');
    expect(text).toContain('Rowhook canary on Rowhook-dev (run run9)');
    expect(text).toMatch(/pooled +delivered: yes +signature valid: yes +latency: 300 ms/);
    expect(text).toMatch(/dedicated +delivered: yes +signature valid: yes +latency: 700 ms .*VERIFIED/);
  });

  it('exits 1 when a path fails, saying why', async () => {
    const world = new FakeCanary();
    world.invalid.add('pooled');
    const { p, printed } = ports(world);
    expect(await runSmokeCommand(['--stack', 'Rowhook-dev'], p)).toBe(SMOKE_EXIT.failed);
    expect(printed.join('\n')).toMatch(/pooled .*signature valid: NO .*FAILED \(signature refused/);
  });

  it('exits 2 without touching the stack when the canary outputs are missing', async () => {
    const world = new FakeCanary();
    const { [STACK_OUTPUTS.receiverUrl]: _, ...withoutCanary } = OUTPUTS;
    const { p, errors } = ports(world, withoutCanary);
    expect(await runSmokeCommand(['--stack', 'Rowhook-dev'], p)).toBe(SMOKE_EXIT.unusable);
    expect(errors.join('\n')).toContain(
      'CanaryReceiverUrl; deploy it with the canary on: npx cdk deploy -c rowhook:canary=true',
    );
    expect(world.calls).toEqual([]);
  });

  it('exits 2 on bad arguments', async () => {
    const { p, errors } = ports(new FakeCanary());
    expect(await runSmokeCommand([], p)).toBe(SMOKE_EXIT.unusable);
    expect(await runSmokeCommand(['--stack'], p)).toBe(SMOKE_EXIT.unusable);
    expect(await runSmokeCommand(['--stack', 'x', '--verbose'], p)).toBe(SMOKE_EXIT.unusable);
    expect(errors[0]).toContain('--stack is required');
  });
});

describe('parseSmokeArgs', () => {
  it('takes --stack and --region in either spelling', () => {
    expect(parseSmokeArgs(['--stack=Rowhook-prod', '--region', 'us-east-1'])).toEqual({
      stack: 'Rowhook-prod',
      region: 'us-east-1',
    });
    expect(parseSmokeArgs(['--stack', 'Rowhook-prod'])).toEqual({ stack: 'Rowhook-prod', region: undefined });
  });
});

describe('outputsOf', () => {
  it('reads the output pairs of a DescribeStacks answer', () => {
    expect(
      outputsOf('Rowhook-dev', {
        Stacks: [{ Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://a/' }, { OutputKey: 'Empty' }] }],
      }),
    ).toEqual({ ApiUrl: 'https://a/' });
    expect(() => outputsOf('Rowhook-dev', { Stacks: [] })).toThrow('stack Rowhook-dev was not found');
  });
});
