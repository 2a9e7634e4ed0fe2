import { RowhookError } from '../errors/RowhookError.ts';

export class NetworkPolicyError extends RowhookError {
  readonly code: string = 'network_policy';
}

/** A CIDR in ROWHOOK_ALLOWED_NETWORKS (or similar) that cannot be parsed. */
export class InvalidCidrError extends NetworkPolicyError {
  override readonly code = 'invalid_cidr';
}

/** The destination resolves to an address outgoing webhooks may not reach (SSRF guard). */
export class BlockedAddressError extends NetworkPolicyError {
  override readonly code = 'blocked_address';
}
