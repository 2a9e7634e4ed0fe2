/** An endpoint's run of failed attempts, as stored between attempts. */
export interface EndpointHealthState {
  /** When the first failed attempt of the current run started; null while the endpoint is healthy. */
  failingSince: Date | null;
  /** Failed attempts in a row since `failingSince`. */
  consecutiveFailures: number;
}

export const HEALTHY: EndpointHealthState = Object.freeze({ failingSince: null, consecutiveFailures: 0 });

export const sameHealthState = (a: EndpointHealthState, b: EndpointHealthState): boolean =>
  a.consecutiveFailures === b.consecutiveFailures &&
  (a.failingSince?.getTime() ?? null) === (b.failingSince?.getTime() ?? null);
