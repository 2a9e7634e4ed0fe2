import { RowhookError } from '../core/errors/RowhookError.ts';

/** Problems starting or running the single-machine runtime. */
export class LocalRuntimeError extends RowhookError {
  readonly code: string = 'local_runtime_error';
}

/** An environment variable has a value Rowhook cannot use; the message names the variable. */
export class InvalidConfigError extends LocalRuntimeError {
  override readonly code = 'invalid_config';
}
