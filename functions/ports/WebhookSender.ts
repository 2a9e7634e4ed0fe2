import type { ReceiverOptions } from '../core/receivers/ReceiverOptions.ts';

/** The endpoint's receiver options, for the sender to apply (headers, auth, mutual TLS, timeout). */
export interface ReceiverTarget {
  endpointId: string;
  /** Changes whenever the endpoint does (its updatedAt): keys what the sender caches per endpoint. */
  revision: string;
  options: ReceiverOptions;
}

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Absent: a plain signed POST. */
  receiver?: ReceiverTarget;
}

export type SendResult =
  | {
      ok: true;
      status: number;
      headers: Record<string, string | undefined>;
      snippet: string;
      latencyMs: number;
    }
  | { ok: false; errorClass: string; message: string; latencyMs: number };

/** Performs one HTTP attempt. Never throws for network trouble: that is a result, not an error. */
export interface WebhookSender {
  send(request: OutgoingWebhook): Promise<SendResult>;
  close(): Promise<void>;
}
