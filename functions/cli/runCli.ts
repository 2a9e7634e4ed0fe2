import { ApiClient } from './ApiClient.ts';
import type { CommandContext } from './CommandSpec.ts';
import { COMMANDS } from './commands.ts';
import { EXIT_CODES, type ExitCode } from './constants.ts';
import { CliError, UsageError } from './errors.ts';
import { commandHelp, familyHelp, generalHelp } from './helpText.ts';
import { parseCommandLine } from './parseCommandLine.ts';
import { resolveConnection } from './resolveConnection.ts';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Called once by a command that handles Ctrl-C itself; returns the signal aborted on SIGINT. */
  onInterrupt(): AbortSignal;
  now?: () => Date;
}

/** Runs one command line and returns its exit code; nothing here calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  try {
    const parsed = parseCommandLine(argv, COMMANDS);
    if (parsed.kind === 'help') {
      const lines = parsed.command
        ? commandHelp(parsed.command)
        : parsed.family
          ? familyHelp(parsed.family, COMMANDS)
          : generalHelp(COMMANDS);
      for (const line of lines) out(line);
      return EXIT_CODES.ok;
    }
    let client: ApiClient | undefined;
    const { values } = parsed;
    const ctx: CommandContext = {
      json: values.json === true,
      out,
      err,
      errRaw: (text) => io.stderr.write(text),
      stderrIsTTY: io.stderr.isTTY === true,
      env: io.env,
      cwd: io.cwd,
      now: io.now ?? (() => new Date()),
      async api() {
        if (!client) {
          const connection = await resolveConnection(
            { url: values.url as string | undefined, token: values.token as string | undefined },
            io.env,
            io.cwd,
          );
          client = new ApiClient(connection.url, connection.token);
        }
        return client;
      },
      interruptSignal: () => io.onInterrupt(),
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        }),
    };
    await parsed.command.run(ctx, { values, positionals: parsed.positionals });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`rowhook: ${error.message}`);
      if (error.usage) err(`usage: ${error.usage}`);
      return error.exitCode;
    }
    if (error instanceof CliError) {
      err(`rowhook: ${error.message}`);
      return error.exitCode;
    }
    err(
      `rowhook: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT_CODES.refused;
  }
}
