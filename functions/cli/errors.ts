import { RowhookError } from '../core/errors/RowhookError.ts';
import { EXIT_CODES, type ExitCode } from './constants.ts';

/** A failure the CLI reports on stderr and turns into its exit code. */
export class CliError extends RowhookError {
  readonly code: string = 'cli_error';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Bad command line: printed with the command's usage line, exit 2. */
export class UsageError extends CliError {
  override readonly code = 'usage_error';

  constructor(
    message: string,
    /** The usage line of the command that was meant, when known. */
    readonly usage?: string,
  ) {
    super(EXIT_CODES.usage, message);
  }
}

/** The API answered with an error body `{error: {code, message}}` (or something unexpected). */
export class ApiCallError extends CliError {
  override readonly code = 'api_error';

  constructor(
    exitCode: ExitCode,
    message: string,
    readonly status: number | undefined,
    readonly apiCode: string | undefined,
  ) {
    super(exitCode, message);
  }
}
