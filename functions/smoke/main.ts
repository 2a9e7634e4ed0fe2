import { readSecret, smokeDependencies, stackOutputs } from './awsSmokePorts.ts';
import { newRunId } from './newRunId.ts';
import { runSmokeCommand } from './runSmokeCommand.ts';

// `npm run smoke -- --stack <name> [--region r]`: the post-deploy canary (docs/deploy.md).
process.exitCode = await runSmokeCommand(process.argv.slice(2), {
  stackOutputs,
  readSecret,
  dependencies: smokeDependencies,
  newRunId: () => newRunId(),
  print: (text) => console.log(text),
  printError: (text) => console.error(text),
});
