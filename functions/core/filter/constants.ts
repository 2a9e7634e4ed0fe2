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
  /**
   * Alternatives a filter expands to once each `$or` is multiplied out (two `$or` of three branches make nine),
   * because every alternative is matched separately. EventBridge publishes no such limit; this one only stops
   * a short filter from expanding exponentially.
   */
  maxAlternatives: 1024,
  /**
   * Wildcard prefixes of one field that a single value may keep alive at once, as measured by event-ruler's
   * MachineComplexityEvaluator. EventBridge refuses rules above its limit ("Rule is too complex") without
   * publishing the number; 10 is the value that reproduces its observed answers (three `"*:stack/NAME/*"`
   * patterns on one field are accepted, four are refused).
   */
  maxWildcardComplexity: 10,
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
