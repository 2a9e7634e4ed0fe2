import { ConditionBudget } from './ConditionBudget.ts';
import { compileCondition } from './compileCondition.ts';
import { FILTER_LIMITS, FILTER_OPERATORS, OR_KEY } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { childPath, indexPath } from './fieldPath.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { Condition } from './nodes.ts';

/** A condition with the JSON it was written as, which tells apart conditions for the complexity check. */
export interface WrittenCondition {
  readonly condition: Condition;
  readonly written: string;
}

/** One alternative of the pattern: flattened field name to its conditions. */
export type Alternative = Map<string, readonly WrittenCondition[]>;

interface Scope {
  readonly depth: number;
  readonly budget: ConditionBudget;
  /** EventBridge forbids operator names as field names inside `$or` branches, where they are almost surely misplaced. */
  readonly insideOr: boolean;
}

/**
 * Validates a pattern and expands it into alternatives the way event-ruler's JsonRuleCompiler does: nested
 * keys are flattened with ".", so {"a.b": [...]} and {"a": {"b": [...]}} name the same field; each `$or`
 * multiplies the alternatives built so far by its branches; and when one field is named twice the later
 * one replaces the earlier in every alternative it reaches, as EventBridge documents for repeated keys.
 */
export function expandPattern(pattern: Record<string, unknown>, root: string): Alternative[] {
  const alternatives: Alternative[] = [];
  const budget = new ConditionBudget(FILTER_LIMITS.maxConditions);
  expandObject(pattern, '', root, alternatives, { depth: 1, budget, insideOr: false });
  return alternatives;
}

function expandObject(
  pattern: Record<string, unknown>,
  prefix: string,
  path: string,
  alternatives: Alternative[],
  scope: Scope,
): void {
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
  for (const [key, value] of entries) {
    const keyPath = childPath(path, key);
    const field = prefix === '' ? key : `${prefix}.${key}`;
    if (key === OR_KEY) {
      expandOr(value, prefix, keyPath, alternatives, scope);
    } else if (scope.insideOr && isOperatorName(key)) {
      throw new InvalidFilterError(
        keyPath,
        `"${key}" is an operator, not a field name; operators go inside a field's array, ` +
          `e.g. {"type": [{"${key}": ...}]}`,
      );
    } else if (Array.isArray(value)) {
      const conditions = compileLeaf(value, keyPath, scope);
      if (alternatives.length === 0) alternatives.push(new Map());
      for (const alternative of alternatives) alternative.set(field, conditions);
    } else if (isPlainObject(value)) {
      expandObject(value, field, keyPath, alternatives, { ...scope, depth: scope.depth + 1 });
    } else {
      throw new InvalidFilterError(keyPath, notArrayOrObjectMessage(key, value));
    }
  }
}

function compileLeaf(values: unknown[], path: string, scope: Scope): WrittenCondition[] {
  if (values.length === 0) {
    throw new InvalidFilterError(path, 'empty arrays are not allowed; list at least one value to match');
  }
  // Only point at an index when there is more than one entry to choose from.
  return values.map((entry, index) => ({
    condition: compileCondition(entry, values.length > 1 ? indexPath(path, index) : path, scope.budget),
    written: JSON.stringify(entry),
  }));
}

function expandOr(
  value: unknown,
  prefix: string,
  path: string,
  alternatives: Alternative[],
  scope: Scope,
): void {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidFilterError(
      path,
      `$or expects an array of at least two patterns, like [{"type": ["a"]}, {"data": {"id": [1]}}], ` +
        `got ${describeValue(value)}`,
    );
  }
  const branchScope: Scope = { ...scope, depth: scope.depth + 1, insideOr: true };
  const before = alternatives.splice(0, alternatives.length);
  value.forEach((branch, index) => {
    const branchPath = indexPath(path, index);
    if (!isPlainObject(branch)) {
      throw new InvalidFilterError(
        branchPath,
        `each $or branch must be a pattern object, got ${describeValue(branch)}`,
      );
    }
    const branchAlternatives = before.length === 0 ? [new Map()] : before.map((each) => new Map(each));
    expandObject(branch, prefix, branchPath, branchAlternatives, branchScope);
    alternatives.push(...branchAlternatives);
    if (alternatives.length > FILTER_LIMITS.maxAlternatives) {
      throw new InvalidFilterError(
        path,
        `the filter's $or branches combine into more than ${FILTER_LIMITS.maxAlternatives} alternatives; ` +
          'merge branches that test the same field into one list of values',
      );
    }
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
