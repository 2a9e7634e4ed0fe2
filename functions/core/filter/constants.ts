/**
 * Every row change is matched against the filter of every endpoint that may receive it, so filters are
 * bounded to keep that cost per delivery small and predictable. Where EventBridge publishes a limit we use
 * the same one, so patterns that work there work here.
 */
export const FILTER_LIMITS = {
  /** Characters of the filter serialised as JSON; EventBridge Pipes caps its filter patterns at 4096. */
  maxJsonLength: 4096,
  /** Levels of nested JSON objects, counting the filter itself and each `$or` branch. */
  maxDepth: 10,
  /** Values and operator conditions across the whole filter, including each entry of an `anything-but` list. */
  maxConditions: 256,
  /** EventBridge only accepts numeric operands within ±5e9 ... */
  maxNumericMagnitude: 5_000_000_000,
  /** ... and with at most six digits after the decimal point. */
  maxNumericDecimals: 6,
} as const;

/** Names that introduce a condition inside a field's array, e.g. `[{"prefix": "orders."}]`. */
export const FILTER_OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Key that makes its array of sub-patterns alternatives rather than a field of the event. */
export const OR_KEY = '$or';
