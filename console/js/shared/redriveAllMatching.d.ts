// Types for redriveAllMatching.js, which the browser loads as is (no build), for the CLI's TypeScript.

export declare const REDRIVE_OUTCOMES: {
  readonly finished: 'finished';
  readonly stalled: 'stalled';
  readonly cancelled: 'cancelled';
};
export type RedriveOutcome = (typeof REDRIVE_OUTCOMES)[keyof typeof REDRIVE_OUTCOMES];

export interface RedriveBatchAnswer {
  count: number;
  remaining?: number;
}

export interface RedriveRunResult {
  outcome: RedriveOutcome;
  done: number;
  remaining: number;
}

export declare function pinnedUpperBound(to: string | undefined, startedAt: Date): string;

/** The API's dead-letter filter fields (tenantId, endpointId, eventType, errorClass, from, to). */
export interface RedriveFilter {
  to?: string;
  [field: string]: unknown;
}

export declare function redriveAllMatching(options: {
  filter: RedriveFilter;
  limit: number;
  /** POSTs one batch to /v1/dead-letters/redrive: the filter with `to` pinned, and `limit`. */
  send(body: RedriveFilter & { to: string; limit: number }): Promise<RedriveBatchAnswer>;
  onProgress?(progress: { done: number; remaining: number }): void;
  isCancelled?(): boolean;
  now?(): Date;
}): Promise<RedriveRunResult>;
