import { ERROR_CLASS } from '../retry/constants.ts';

/**
 * Short, stable names for why a delivery failed, for grouping dead letters. HTTP answers are
 * `http_<status>`; the others are the transport error classes plus the two refusals made before
 * any request is sent.
 */
export const FAILURE_CLASS = {
  ...ERROR_CLASS,
  endpointDisabled: 'endpoint_disabled',
  noSecret: 'no_secret',
} as const;

/** What an errorClass filter may look like: lower-case letters, digits and `_`. */
export const FAILURE_CLASS_PATTERN = /^[a-z0-9_]{1,40}$/;
