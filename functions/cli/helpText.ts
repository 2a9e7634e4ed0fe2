import { type CommandSpec, usageOf } from './CommandSpec.ts';
import { CLI_DEFAULTS, EXIT_CODES } from './constants.ts';

const GLOBAL_HELP = [
  'Options for every command:',
  `  --url URL     the Rowhook API (ROWHOOK_URL; default ${CLI_DEFAULTS.url})`,
  '  --token T     admin token or tenant API key (ROWHOOK_TOKEN; default for a local URL:',
  '                .rowhook/admin-token in this folder, or under ROWHOOK_DATA_DIR). Never printed;',
  '                prefer ROWHOOK_TOKEN, as other local users can see command-line arguments.',
  "  --json        print the API's JSON instead of tables (NDJSON for tail)",
  '  -h, --help    help for rowhook or for one command',
];

const EXIT_HELP = [
  'Exit codes:',
  `  ${EXIT_CODES.ok}  success`,
  `  ${EXIT_CODES.refused}  the API refused the request (4xx; its message is printed)`,
  `  ${EXIT_CODES.usage}  usage error: unknown command or flag, missing argument`,
  `  ${EXIT_CODES.unavailable}  cannot reach the API or database, 5xx, or timeout`,
  `  ${EXIT_CODES.notFound}  not found (404)`,
];

export function generalHelp(commands: readonly CommandSpec[]): string[] {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length));
  return [
    'rowhook: operate Rowhook (the local runtime or a deployed API): dead letters, live deliveries,',
    'tenants, endpoints, table tracking.',
    '',
    'Usage: rowhook <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    ...EXIT_HELP,
    '',
    'rowhook <command> --help shows the options of one command.',
  ];
}

export function familyHelp(family: string, commands: readonly CommandSpec[]): string[] {
  return [
    ...commands.filter((c) => c.words[0] === family).map((c) => `${usageOf(c)}\n    ${c.summary}`),
    '',
    ...GLOBAL_HELP,
  ];
}

export function commandHelp(command: CommandSpec): string[] {
  return [
    `Usage: ${usageOf(command)}`,
    '',
    command.summary,
    ...(command.details ?? []),
    '',
    ...GLOBAL_HELP,
    '',
    ...EXIT_HELP,
  ];
}
