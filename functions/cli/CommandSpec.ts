import type { ParseArgsConfig } from 'node:util';
import type { ApiClient } from './ApiClient.ts';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandInput {
  values: OptionValues;
  positionals: string[];
}

/** What a command may touch: output, the API, the environment. Injected so tests can run commands in-process. */
export interface CommandContext {
  /** --json: print the API's JSON as it came, one document per answer. */
  json: boolean;
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress bars redraw in place only there). */
  stderrIsTTY: boolean;
  /** Writes to stderr without a newline, for progress redrawn in place. */
  errRaw(text: string): void;
  api(): Promise<ApiClient>;
  env: Record<string, string | undefined>;
  cwd: string;
  now(): Date;
  /** Aborted on the first SIGINT once a command asks for it (tail); before that SIGINT ends the process. */
  interruptSignal(): AbortSignal;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface CommandSpec {
  /** The command words, e.g. ['dlq', 'ls']. */
  words: readonly string[];
  /** Everything after the words, e.g. '<id> [--json]'. */
  usage: string;
  summary: string;
  /** Extra help lines shown by `rowhook <command> --help`. */
  details?: readonly string[];
  options?: OptionsConfig;
  positionals?: { names: readonly string[]; min: number; max: number };
  run(ctx: CommandContext, input: CommandInput): Promise<void>;
}

export const usageOf = (command: CommandSpec) =>
  `rowhook ${command.words.join(' ')}${command.usage ? ` ${command.usage}` : ''}`;
