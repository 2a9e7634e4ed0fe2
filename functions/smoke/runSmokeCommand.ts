import { SMOKE_EXIT } from './constants.ts';
import { exitCodeOf } from './decideSmoke.ts';
import { formatReport } from './formatReport.ts';
import { parseSmokeArgs } from './parseSmokeArgs.ts';
import type { SmokeDependencies } from './runSmoke.ts';
import { runSmoke } from './runSmoke.ts';
import { type SmokeTarget, smokeTargetFromOutputs } from './stackOutputs.ts';

/** What the CLI needs from AWS, behind functions so the command runs under test without clients. */
export interface SmokeCommandPorts {
  stackOutputs(stack: string, region: string | undefined): Promise<Record<string, string>>;
  readSecret(secretArn: string, region: string | undefined): Promise<string>;
  dependencies(target: SmokeTarget, adminToken: string, region: string | undefined): SmokeDependencies;
  newRunId(): string;
  print(text: string): void;
  printError(text: string): void;
}

/**
 * `npm run smoke -- --stack <name> [--region r]`. Exit codes: 0 every path verified, 1 a path failed
 * (or the run stopped, or cleanup left something behind), 2 the check could not start (arguments,
 * stack outputs, admin token).
 */
export async function runSmokeCommand(argv: readonly string[], ports: SmokeCommandPorts): Promise<number> {
  let target: SmokeTarget;
  let adminToken: string;
  let region: string | undefined;
  let stack: string;
  try {
    ({ stack, region } = parseSmokeArgs(argv));
    target = smokeTargetFromOutputs(stack, await ports.stackOutputs(stack, region));
    adminToken = await ports.readSecret(target.adminTokenSecretArn, region);
  } catch (error) {
    ports.printError(`smoke check not started: ${error instanceof Error ? error.message : String(error)}`);
    return SMOKE_EXIT.unusable;
  }
  const report = await runSmoke(ports.dependencies(target, adminToken, region), {
    stack,
    runId: ports.newRunId(),
    receiverUrl: target.receiverUrl,
  });
  ports.print(formatReport(report));
  return exitCodeOf(report);
}
