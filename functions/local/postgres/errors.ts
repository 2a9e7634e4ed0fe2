import { LocalRuntimeError } from '../errors.ts';

/** The embedded PostgreSQL cannot be set up or started here; the message says what to change. */
export class PostgresSetupError extends LocalRuntimeError {
  override readonly code = 'postgres_setup_error';
}
