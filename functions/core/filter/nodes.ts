/** A leaf value of an event: what EventBridge compares conditions against. Objects are never leaves. */
export type EventScalar = string | number | boolean | null;

export type ValueTest = (value: EventScalar) => boolean;

/**
 * `exists` is about whether a field has any leaf value at all, so it cannot be a per-value test like the
 * other operators: `exists: false` matches exactly when there is no value to test.
 */
export type Condition =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'test'; readonly test: ValueTest };

export type FieldNode =
  | { readonly kind: 'object'; readonly key: string; readonly node: ObjectNode }
  | { readonly kind: 'leaf'; readonly key: string; readonly conditions: readonly Condition[] };

/** One JSON object of the pattern: all `fields` must match, and one branch of each `anyOf` entry. */
export interface ObjectNode {
  readonly fields: readonly FieldNode[];
  readonly anyOf: readonly (readonly ObjectNode[])[];
}
