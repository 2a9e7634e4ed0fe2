import { parseArgs } from 'node:util';
import { type CommandSpec, type OptionValues, usageOf } from './CommandSpec.ts';
import { UsageError } from './errors.ts';
import { GLOBAL_OPTIONS } from './globalOptions.ts';

export type ParsedCommandLine =
  | { kind: 'help'; command?: CommandSpec; family?: string; values: OptionValues }
  | { kind: 'run'; command: CommandSpec; values: OptionValues; positionals: string[] };

const GENERAL_USAGE = 'rowhook <command> [options]   (rowhook --help lists the commands)';

/**
 * Finds the command (global options may come first), then parses the rest strictly with the
 * command's own options: an unknown flag or a missing argument is a usage error, never ignored.
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly CommandSpec[],
): ParsedCommandLine {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i]?.startsWith('-'); i++) {
    const token = argv[i] as string;
    const name = globalOptionName(token);
    if (!name)
      throw new UsageError(`unknown option ${token.split('=')[0]} before the command`, GENERAL_USAGE);
    leading.push(token);
    if (GLOBAL_OPTIONS[name].type === 'string' && !token.includes('=')) {
      if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`, GENERAL_USAGE);
      leading.push(argv[++i] as string);
    }
  }
  const word = argv[i];
  const leadingValues = parseArgs({ args: leading, options: GLOBAL_OPTIONS, strict: true }).values;
  if (word === undefined) {
    if (leadingValues.help) return { kind: 'help', values: leadingValues };
    throw new UsageError('missing command', GENERAL_USAGE);
  }
  if (word === 'help') return { kind: 'help', values: leadingValues };
  const family = commands.filter((command) => command.words[0] === word);
  if (family.length === 0) throw new UsageError(`unknown command "${word}"`, GENERAL_USAGE);

  const command = family.find((c) => c.words.every((w, k) => argv[i + k] === w));
  if (!command) {
    const sub = argv[i + 1];
    const choices = family.map((c) => c.words[1]).join('|');
    const rest = argv.slice(i + 1);
    if (leadingValues.help || rest.includes('--help') || rest.includes('-h')) {
      return { kind: 'help', family: word, values: leadingValues };
    }
    throw new UsageError(
      sub === undefined || sub.startsWith('-')
        ? `missing subcommand: rowhook ${word} ${choices}`
        : `unknown subcommand "${word} ${sub}": expected ${choices}`,
      `rowhook ${word} ${choices} ...`,
    );
  }

  const args = [...leading, ...argv.slice(i + command.words.length)];
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error), usageOf(command));
  }
  if (parsed.values.help) return { kind: 'help', command, values: parsed.values };

  const expected = command.positionals ?? { names: [], min: 0, max: 0 };
  if (parsed.positionals.length < expected.min) {
    const missing = expected.names[parsed.positionals.length] ?? 'argument';
    throw new UsageError(`missing <${missing}>`, usageOf(command));
  }
  if (parsed.positionals.length > expected.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[expected.max]}"`, usageOf(command));
  }
  return { kind: 'run', command, values: parsed.values, positionals: parsed.positionals };
}

function globalOptionName(token: string): keyof typeof GLOBAL_OPTIONS | undefined {
  if (token === '-h') return 'help';
  const name = token.replace(/^--/, '').split('=')[0] as string;
  return token.startsWith('--') && Object.hasOwn(GLOBAL_OPTIONS, name)
    ? (name as keyof typeof GLOBAL_OPTIONS)
    : undefined;
}

/** node:util's messages, shortened to what a user needs. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return `unknown option ${option ?? message}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[^' ]+)/.exec(message)?.[1];
    if (!option) return message;
    return /argument missing/.test(message)
      ? `option ${option} needs a value`
      : `option ${option} takes no value`;
  }
  return message;
}
