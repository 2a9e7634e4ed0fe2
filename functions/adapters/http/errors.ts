import { RowhookError } from '../../core/errors/RowhookError.ts';

/**
 * The endpoint's OAuth2 token endpoint did not give a token: the receiver was not called. Its own
 * failure class (`oauth2_token`) in the delivery log and dead letters. Messages never hold the
 * client secret or a token.
 */
export class OAuth2TokenError extends RowhookError {
  readonly code = 'oauth2_token';
}

/** The endpoint's receiver secrets are missing or do not open: a setup problem, not the receiver's. */
export class ReceiverSecretsError extends RowhookError {
  readonly code = 'receiver_secrets';
}
