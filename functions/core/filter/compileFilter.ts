import { ConditionBudget } from './ConditionBudget.ts';
import { compileCondition } from './compileCondition.ts';
import { FILTER_LIMITS, FILTER_OPERATORS, OR_KEY } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { childPath, indexPath, ROOT_PATH } from './fieldPath.ts';
import { isPlainObject } from './isPlainObject.ts';
import { matchFilter } from './matchFilter.ts';
import type { FieldNode, ObjectNode } from './nodes.ts';

export interface CompiledFilter {
  /** Whether a webhook event body (parsed JSON) passes the filter. Never throws. */
  matches(event: unknown): boolean;
}

interface Scope {
  readonly depth: number;
  readonly budget: ConditionBudget;
  /** EventBridge forbids operator names as field names inside `$or` branches, where they are almost surely misplaced. */
  readonly insideOr: boolean;
}

/**
 * Validates an EventBridge event pattern and compiles it once, so matching each event does no parsing or
 * validation. Throws InvalidFilterError naming the exact place and problem for anything EventBridge refuses.
 */
export function compileFilter(pattern: unknown): CompiledFilter {
  if (!isPlainObject(pattern)) {
    throw new InvalidFilterError(
      ROOT_PATH,
      `a filter must be a JSON object like {"type": ["orders.created"]}, got ${describeValue(pattern)}`,
    );
  }
  checkJsonLength(pattern);
  if (Object.keys(pattern).length === 0) {
    throw new InvalidFilterError(
      ROOT_PATH,
      'a filter must name at least one field; to receive every event, leave the filter out instead of sending {}',
    );
  }
  const budget = new ConditionBudget(FILTER_LIMITS.maxConditions);
  const root = compileObject(pattern, ROOT_PATH, { depth: 1, budget, insideOr: false });
  return Object.freeze({ matches: (event: unknown) => matchFilter(root, event) });
}

function checkJsonLength(pattern: Record<string, unknown>): void {
  let json: string;
  try {
    json = JSON.stringify(pattern);
  } catch (cause) {
    // A filter nested thousands of levels deep overflows the stack here, before the depth check.
    if (cause instanceof RangeError) {
      throw new InvalidFilterError(
        ROOT_PATH,
        `the filter nests objects more than ${FILTER_LIMITS.maxDepth} levels deep`,
        { cause },
      );
    }
    throw new InvalidFilterError(
      ROOT_PATH,
      'a filter must be plain JSON, without cycles, BigInts or other values JSON cannot hold',
      { cause },
    );
  }
  // JSON.stringify writes lone surrogates as \udXXX escapes (paired ones stay raw); escaped
  // backslashes are dropped first so a literal "\\ud800" in a value is not mistaken for one.
  if (/\\ud[89a-f][0-9a-f]{2}/i.test(json.replaceAll('\\\\', ''))) {
    throw new InvalidFilterError(
      ROOT_PATH,
      'the filter contains a lone UTF-16 surrogate, which is not valid Unicode text',
    );
  }
  if (json.length > FILTER_LIMITS.maxJsonLength) {
    throw new InvalidFilterError(
      ROOT_PATH,
      `the filter is ${json.length} characters as JSON; the limit is ${FILTER_LIMITS.maxJsonLength}`,
    );
  }
}

function compileObject(pattern: Record<string, unknown>, path: string, scope: Scope): ObjectNode {
  if (scope.depth > FILTER_LIMITS.maxDepth) {
    throw new InvalidFilterError(
      path,
      `the filter nests objects more than ${FILTER_LIMITS.maxDepth} levels deep`,
    );
  }
  const entries = Object.entries(pattern);
  if (entries.length === 0) {
    throw new InvalidFilterError(
      path,
      'empty objects are not allowed; remove it or give it at least one field',
    );
  }
  const fields: FieldNode[] = [];
  const anyOf: ObjectNode[][] = [];
  for (const [key, value] of entries) {
    const keyPath = childPath(path, key);
    if (key === OR_KEY) {
      anyOf.push(compileOr(value, keyPath, scope));
    } else if (scope.insideOr && isOperatorName(key)) {
      throw new InvalidFilterError(
        keyPath,
        `"${key}" is an operator, not a field name; operators go inside a field's array, ` +
          `e.g. {"type": [{"${key}": ...}]}`,
      );
    } else if (Array.isArray(value)) {
      fields.push({ kind: 'leaf', key, conditions: compileLeaf(value, keyPath, scope) });
    } else if (isPlainObject(value)) {
      fields.push({
        kind: 'object',
        key,
        node: compileObject(value, keyPath, { ...scope, depth: scope.depth + 1 }),
      });
    } else {
      throw new InvalidFilterError(keyPath, notArrayOrObjectMessage(key, value));
    }
  }
  return { fields, anyOf };
}

function compileLeaf(values: unknown[], path: string, scope: Scope) {
  if (values.length === 0) {
    throw new InvalidFilterError(path, 'empty arrays are not allowed; list at least one value to match');
  }
  // Only point at an index when there is more than one entry to choose from.
  return values.map((entry, index) =>
    compileCondition(entry, values.length > 1 ? indexPath(path, index) : path, scope.budget),
  );
}

function compileOr(value: unknown, path: string, scope: Scope): ObjectNode[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidFilterError(
      path,
      `$or expects an array of at least two patterns, like [{"type": ["a"]}, {"data": {"id": [1]}}], ` +
        `got ${describeValue(value)}`,
    );
  }
  const branchScope: Scope = { ...scope, depth: scope.depth + 1, insideOr: true };
  return value.map((branch, index) => {
    const branchPath = indexPath(path, index);
    if (!isPlainObject(branch)) {
      throw new InvalidFilterError(
        branchPath,
        `each $or branch must be a pattern object, got ${describeValue(branch)}`,
      );
    }
    return compileObject(branch, branchPath, branchScope);
  });
}

function notArrayOrObjectMessage(key: string, value: unknown): string {
  const problem = `expected an array of values to match or a nested object, got ${describeValue(value)}`;
  // A bare scalar is the usual mistake: either a literal missing its array, or an operator missing its
  // array, as in {"type": {"prefix": "a"}}. Show the fix when the value can be written back as JSON.
  const writable =
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value));
  const scalar = writable ? JSON.stringify(value) : undefined;
  if (scalar === undefined) return problem;
  if (isOperatorName(key)) {
    return `${problem}; to use the "${key}" operator, put it in the field's array: [{"${key}": ${scalar}}]`;
  }
  return `${problem}; to match it exactly write [${scalar}]`;
}

function isOperatorName(key: string): boolean {
  return (FILTER_OPERATORS as readonly string[]).includes(key);
}
