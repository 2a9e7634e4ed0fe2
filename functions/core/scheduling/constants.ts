/** How many attempts one endpoint may have in flight: the per-endpoint setting's bounds and default. */
export const ENDPOINT_CONCURRENCY = { min: 1, max: 100, default: 10 } as const;

/**
 * Failed attempts in a row after which an endpoint is limited to one attempt in flight (a probe)
 * until one succeeds, so an endpoint that only times out holds one worker, not its whole cap.
 */
export const CIRCUIT_BREAKER_FAILURES = 5;
