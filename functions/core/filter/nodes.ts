/**
 * One leaf value of an event, as EventBridge's matcher (event-ruler) sees it: the kind of JSON token and its
 * text. Numbers keep the digits they were written with, because event-ruler compares a number's text for exact
 * matches and only converts it when it fits the comparable range (see comparableNumber.ts).
 */
export interface FlatValue {
  readonly kind: 'string' | 'number' | 'true' | 'false' | 'null';
  readonly text: string;
  /** Which element of each enclosing array (by array id) the value lives in, for array-consistent matching. */
  readonly membership: ReadonlyMap<number, number>;
}

/** An event flattened to dotted field names, as event-ruler's Event does: `{"a": {"b": 1}}` and `{"a.b": 1}` alike. */
export type FlatEvent = ReadonlyMap<string, readonly FlatValue[]>;

export type ValueTest = (value: FlatValue) => boolean;

/** `exists: false` matches by the absence of a field, so it is not a per-value test like the other operators. */
export type Condition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'test'; readonly test: ValueTest; readonly wildcards?: readonly string[] };

/** What one flattened field of a sub-rule accepts: any of its value tests, or its absence. */
export interface FieldRule {
  readonly path: string;
  readonly tests: readonly ValueTest[];
  readonly absent: boolean;
}

/** One alternative of the pattern after `$or` is expanded: every field must match, in one consistent array element. */
export type SubRule = readonly FieldRule[];
