import { WEBHOOK_HEADER } from './constants.ts';

export interface WebhookHeadersInput {
  id: string;
  /** Unix seconds, the same value that was signed. */
  timestamp: number;
  /** A `webhook-signature` value as produced by a signer. */
  signature: string;
  /** The delivery's per-endpoint sequence number, where the transport assigns one. */
  sequence?: number;
}

export interface WebhookHeaders {
  readonly [WEBHOOK_HEADER.id]: string;
  readonly [WEBHOOK_HEADER.timestamp]: string;
  readonly [WEBHOOK_HEADER.signature]: string;
  readonly [WEBHOOK_HEADER.sequence]?: string;
}

export function webhookHeaders({ id, timestamp, signature, sequence }: WebhookHeadersInput): WebhookHeaders {
  return {
    [WEBHOOK_HEADER.id]: id,
    [WEBHOOK_HEADER.timestamp]: String(timestamp),
    [WEBHOOK_HEADER.signature]: signature,
    ...(sequence === undefined ? {} : { [WEBHOOK_HEADER.sequence]: String(sequence) }),
  };
}
