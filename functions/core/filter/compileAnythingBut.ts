import type { ConditionBudget } from './ConditionBudget.ts';
import { checkNumericOperand } from './checkNumericOperand.ts';
import { compileWildcard } from './compileWildcard.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { EventScalar, ValueTest } from './nodes.ts';

type StringTest = (value: string) => boolean;

const INNER_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;

const EXAMPLE =
  'a string, a number, a list of only strings or only numbers, or one of {"prefix": ...}, {"suffix": ...}, ' +
  '{"equals-ignore-case": ...}, {"wildcard": ...}';

/**
 * Compiles the operand of `anything-but`. It matches any present value the operand does not describe,
 * including values of another type (a number is "anything but" a string), as EventBridge does.
 */
export function compileAnythingBut(operand: unknown, path: string, budget: ConditionBudget): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') {
    const excluded =
      typeof operand === 'number' ? checkNumericOperand(operand, path, 'anything-but') : operand;
    return (value) => value !== excluded;
  }
  if (Array.isArray(operand)) return compileExcludedList(operand, path, budget);
  if (isPlainObject(operand)) {
    const matchesExcluded = compileInner(operand, path, budget);
    return (value) => !(typeof value === 'string' && matchesExcluded(value));
  }
  throw new InvalidFilterError(path, `anything-but expects ${EXAMPLE}; got ${describeValue(operand)}`);
}

function compileExcludedList(list: unknown[], path: string, budget: ConditionBudget): ValueTest {
  if (list.length === 0) {
    throw new InvalidFilterError(path, 'anything-but needs at least one value to exclude, got an empty list');
  }
  budget.spend(path, list.length - 1);
  const first = list[0];
  const excluded = new Set<EventScalar>();
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
    excluded.add(typeof entry === 'number' ? checkNumericOperand(entry, path, 'anything-but') : entry);
  });
  return (value) => !excluded.has(value);
}

function compileInner(operand: Record<string, unknown>, path: string, budget: ConditionBudget): StringTest {
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
  return (value) => tests.some((test) => test(value));
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
    case 'equals-ignore-case': {
      const folded = text.toLowerCase();
      return (value: string) => value.toLowerCase() === folded;
    }
    case 'wildcard':
      return compileWildcard(text, path, label);
  }
}

function isInnerOperator(key: string | undefined): key is (typeof INNER_OPERATORS)[number] {
  return (INNER_OPERATORS as readonly (string | undefined)[]).includes(key);
}
