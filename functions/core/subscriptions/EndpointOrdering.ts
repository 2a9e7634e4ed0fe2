/**
 * How an endpoint's deliveries are ordered. `none`: no order promised, as many in flight as the
 * endpoint's concurrency allows. `per-key`: deliveries that share a key (a row's primary key, a
 * published event's orderingKey) arrive in commit order, one at a time per key; keys do not wait
 * for each other.
 */
export const ENDPOINT_ORDERINGS = { none: 'none', perKey: 'per-key' } as const;
export type EndpointOrdering = (typeof ENDPOINT_ORDERINGS)[keyof typeof ENDPOINT_ORDERINGS];

/** The endpoint's ordering with the default filled in. */
export const orderingOf = (endpoint: { ordering?: EndpointOrdering }): EndpointOrdering =>
  endpoint.ordering ?? ENDPOINT_ORDERINGS.none;

export const isOrderedPerKey = (endpoint: { ordering?: EndpointOrdering }): boolean =>
  orderingOf(endpoint) === ENDPOINT_ORDERINGS.perKey;
