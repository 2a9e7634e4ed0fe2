import { isPlainObject } from './isPlainObject.ts';
import type { Condition, EventScalar, ObjectNode } from './nodes.ts';

/**
 * Matches a compiled pattern against an event. Arrays in the event are searched element by element, and the
 * fields of one pattern object must all be satisfied by the same element, so {"items": {"sku": ["a"],
 * "qty": [2]}} needs one item with both, not one item with each (EventBridge's array-consistent matching).
 */
export function matchFilter(node: ObjectNode, value: unknown): boolean {
  if (Array.isArray(value)) {
    const elements = flatten(value);
    // An empty array has no fields, so it matches exactly what a missing value would (exists: false).
    if (elements.length === 0) return matchObject(node, undefined);
    return elements.some((element) => matchObject(node, element));
  }
  return matchObject(node, value);
}

function matchObject(node: ObjectNode, value: unknown): boolean {
  const object = isPlainObject(value) ? value : undefined;
  for (const field of node.fields) {
    const child = object !== undefined && Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    const matched =
      field.kind === 'object'
        ? matchFilter(field.node, child)
        : matchLeaf(field.conditions, leafValues(child));
    if (!matched) return false;
  }
  return node.anyOf.every((branches) => branches.some((branch) => matchObject(branch, value)));
}

function matchLeaf(conditions: readonly Condition[], values: readonly EventScalar[]): boolean {
  return conditions.some((condition) =>
    condition.kind === 'exists' ? values.length > 0 === condition.exists : values.some(condition.test),
  );
}

/**
 * A field's leaf values: itself if it is a scalar, its scalar elements if it is an array. An object is not a
 * leaf, so `exists` treats a field holding an object as absent, as EventBridge does.
 */
function leafValues(value: unknown): EventScalar[] {
  if (Array.isArray(value)) return flatten(value).filter(isScalar);
  return isScalar(value) ? [value] : [];
}

function isScalar(value: unknown): value is EventScalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}
