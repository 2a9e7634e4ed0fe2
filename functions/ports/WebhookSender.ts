export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
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
