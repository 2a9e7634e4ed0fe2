import { RowhookError } from '../errors/RowhookError.ts';

/** A value given for the portal settings that cannot be used. */
export class PortalSettingError extends RowhookError {
  readonly code = 'invalid_input';
}
