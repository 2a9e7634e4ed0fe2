import { EXIT_CODES } from './constants.ts';
import { CliError } from './errors.ts';

// SQLSTATE classes that mean the database could not be used right now, rather than "refused".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;

/** A database failure as the CLI reports it: refused (exit 1) for SQL errors, unavailable (exit 3) otherwise. */
export function databaseError(error: unknown, url: string): CliError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !UNAVAILABLE_SQLSTATE.test(code)) {
    const hint =
      code === '3F000' || code === '42883'
        ? ' (are the Rowhook migrations applied? `npm start` does it)'
        : '';
    return new CliError(EXIT_CODES.refused, `${message}${hint}`, { cause: error });
  }
  // The URL may carry a password: name only where it points.
  const where = (() => {
    try {
      const parsed = new URL(url);
      return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    } catch {
      return 'the database URL';
    }
  })();
  return new CliError(EXIT_CODES.unavailable, `cannot use the database at ${where}: ${message}`, {
    cause: error,
  });
}
