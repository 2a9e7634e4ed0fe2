import { SmokeError } from './errors.ts';

export interface SmokeArgs {
  readonly stack: string;
  readonly region: string | undefined;
}

export const SMOKE_USAGE =
  'usage: npm run smoke -- --stack <stack name, e.g. Rowhook-dev> [--region <region>]';

/** `--stack <name>` (required) and `--region <region>`, also as `--key=value`. */
export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name !== '--stack' && name !== '--region') {
      throw new SmokeError('invalid_arguments', `unknown argument ${arg}\n${SMOKE_USAGE}`);
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new SmokeError('invalid_arguments', `${name} needs a value\n${SMOKE_USAGE}`);
    }
    values[name.slice(2)] = value;
  }
  if (!values.stack) throw new SmokeError('invalid_arguments', `--stack is required\n${SMOKE_USAGE}`);
  return { stack: values.stack, region: values.region };
}
