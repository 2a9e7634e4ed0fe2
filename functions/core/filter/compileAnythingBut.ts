import type { ConditionBudget } from './ConditionBudget.ts';
import { checkNumericOperand } from './checkNumericOperand.ts';
import { compileIgnoreCase } from './compileIgnoreCase.ts';
import { compileWildcard } from './compileWildcard.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { eventNumber } from './eventNumber.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { ValueTest } from './nodes.ts';

type StringTest = (value: string) => boolean;

const INNER_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;

const EXAMPLE =
  'a string, a number, a list of only strings or only numbers, or one of {"prefix": ...}, {"suffix": ...}, ' +
  '{"equals-ignore-case": ...}, {"wildcard": ...}';

export interface AnythingBut {
  readonly test: ValueTest;
  /** The excluded wildcard patterns, which count towards the wildcard complexity limit. */
  readonly wildcards: readonly string[];
}

/**
 * Compiles the operand of `anything-but`. It matches any present value the operand does not describe,
 * including values of another type (a number is "anything but" a string), as EventBridge does. Numbers are
 * excluded by comparable value (JsonRuleCompiler turns them into ComparableNumbers), so excluding 5 also
 * excludes 5.0 and 5e0, and a number too precise or too large to be comparable is never excluded.
 */
export function compileAnythingBut(operand: unknown, path: string, budget: ConditionBudget): AnythingBut {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return { test: compileExcludedList([operand], path, budget), wildcards: [] };
  }
  if (Array.isArray(operand)) return { test: compileExcludedList(operand, path, budget), wildcards: [] };
  if (isPlainObject(operand)) {
    const inner = compileInner(operand, path, budget);
    return {
      test: (value) => !(value.kind === 'string' && inner.matches(value.text)),
      wildcards: inner.wildcards,
    };
  }
  throw new InvalidFilterError(path, `anything-but expects ${EXAMPLE}; got ${describeValue(operand)}`);
}

function compileExcludedList(list: unknown[], path: string, budget: ConditionBudget): ValueTest {
  if (list.length === 0) {
    throw new InvalidFilterError(path, 'anything-but needs at least one value to exclude, got an empty list');
  }
  budget.spend(path, list.length - 1);
  const first = list[0];
  const strings = new Set<string>();
  const numbers = new Set<bigint>();
  list.forEach((entry, index) => {
    if (typeof entry !== 'string' && typeof entry !== 'number') {
      throw new InvalidFilterError(
        path,
        `anything-but lists may hold only strings or only numbers; entry ${index} is ${describeValue(entry)}`,
      );
    }
    if (typeof entry !== typeof first) {
      throw new InvalidFilterError(
        path,
        `anything-but lists cannot mix strings and numbers; entry ${index} is ${describeValue(entry)} ` +
          `but entry 0 is ${describeValue(first)}`,
      );
    }
    if (typeof entry === 'number') numbers.add(checkNumericOperand(entry, path, 'anything-but'));
    else strings.add(entry);
  });
  return (value) => {
    if (value.kind === 'string') return !strings.has(value.text);
    const scaled = eventNumber(value);
    return scaled === undefined || !numbers.has(scaled);
  };
}

function compileInner(
  operand: Record<string, unknown>,
  path: string,
  budget: ConditionBudget,
): { matches: StringTest; wildcards: readonly string[] } {
  const keys = Object.keys(operand);
  const [operator] = keys;
  if (keys.length !== 1 || !isInnerOperator(operator)) {
    throw new InvalidFilterError(path, `anything-but expects ${EXAMPLE}; got ${describeValue(operand)}`);
  }
  const label = `anything-but ${operator}`;
  const raw = operand[operator];
  const values = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    throw new InvalidFilterError(
      path,
      `${label} expects a string or a non-empty list of strings, got ${describeValue(raw)}`,
    );
  }
  budget.spend(path, values.length - 1);
  const tests = values.map((value) => innerTest(operator, value, path, label));
  return {
    matches: (value) => tests.some((test) => test(value)),
    wildcards: operator === 'wildcard' ? values : [],
  };
}

function innerTest(operator: (typeof INNER_OPERATORS)[number], text: string, path: string, label: string) {
  // EventBridge refuses these: excluding every string that starts or ends with "" excludes every string.
  if (text === '' && (operator === 'prefix' || operator === 'suffix')) {
    throw new InvalidFilterError(path, `${label} cannot be an empty string; it would exclude every string`);
  }
  switch (operator) {
    case 'prefix':
      return (value: string) => value.startsWith(text);
    case 'suffix':
      return (value: string) => value.endsWith(text);
    case 'equals-ignore-case':
      return compileIgnoreCase(text, 'equals');
    case 'wildcard':
      return compileWildcard(text, path, label);
  }
}

function isInnerOperator(key: string | undefined): key is (typeof INNER_OPERATORS)[number] {
  return (INNER_OPERATORS as readonly (string | undefined)[]).includes(key);
}
