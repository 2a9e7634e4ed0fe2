import { WEBHOOK_HEADER } from './constants.ts';

export interface WebhookHeadersInput {
  id: string;
  /** Unix seconds, the same value that was signed. */
  timestamp: number;
  /** A `webhook-signature` value as produced by a signer. */
  signature: string;
}

export interface WebhookHeaders {
  readonly [WEBHOOK_HEADER.id]: string;
  readonly [WEBHOOK_HEADER.timestamp]: string;
  readonly [WEBHOOK_HEADER.signature]: string;
}

export function webhookHeaders({ id, timestamp, signature }: WebhookHeadersInput): WebhookHeaders {
  return {
    [WEBHOOK_HEADER.id]: id,
    [WEBHOOK_HEADER.timestamp]: String(timestamp),
    [WEBHOOK_HEADER.signature]: signature,
  };
}
