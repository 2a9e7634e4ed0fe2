import type { ConditionBudget } from './ConditionBudget.ts';
import { compileAnythingBut } from './compileAnythingBut.ts';
import { compileCidr } from './compileCidr.ts';
import { compileNumeric } from './compileNumeric.ts';
import { compileWildcard } from './compileWildcard.ts';
import { FILTER_OPERATORS, type FilterOperator } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { Condition, ValueTest } from './nodes.ts';

type StringTest = (value: string) => boolean;

/** Compiles one entry of a field's array: a literal to equal, or an object naming one operator. */
export function compileCondition(entry: unknown, path: string, budget: ConditionBudget): Condition {
  budget.spend(path);
  if (entry === null || typeof entry === 'string' || typeof entry === 'boolean') {
    return test((value) => value === entry);
  }
  if (typeof entry === 'number') {
    if (!Number.isFinite(entry)) {
      throw new InvalidFilterError(path, `values must be JSON values, got ${describeValue(entry)}`);
    }
    return test((value) => value === entry);
  }
  if (!isPlainObject(entry)) {
    throw new InvalidFilterError(
      path,
      "each entry of a field's array must be a string, number, boolean, null or an operator object like " +
        `{"prefix": "orders."}, got ${describeValue(entry)}`,
    );
  }
  const keys = Object.keys(entry);
  const [operator] = keys;
  if (operator === undefined || keys.length !== 1) {
    throw new InvalidFilterError(
      path,
      `an operator object must have exactly one key, got ${describeValue(entry)}; ` +
        'list several conditions as separate array entries to match any of them',
    );
  }
  if (!isOperator(operator)) throw new InvalidFilterError(path, unknownOperatorMessage(operator));
  return compileOperator(operator, entry[operator], path, budget);
}

function compileOperator(
  operator: FilterOperator,
  operand: unknown,
  path: string,
  budget: ConditionBudget,
): Condition {
  switch (operator) {
    case 'prefix':
      return onStrings(compileAffix(operand, path, operator));
    case 'suffix':
      return onStrings(compileAffix(operand, path, operator));
    case 'equals-ignore-case': {
      const folded = requireString(operand, path, operator).toLowerCase();
      return onStrings((value) => value.toLowerCase() === folded);
    }
    case 'wildcard':
      return onStrings(compileWildcard(requireString(operand, path, operator), path, operator));
    case 'anything-but':
      return test(compileAnythingBut(operand, path, budget));
    case 'numeric': {
      const compare = compileNumeric(operand, path);
      return test((value) => typeof value === 'number' && compare(value));
    }
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidFilterError(path, `exists expects true or false, got ${describeValue(operand)}`);
      }
      return { kind: 'exists', exists: operand };
    case 'cidr':
      return onStrings(compileCidr(operand, path));
  }
}

/** `prefix` and `suffix` take a string, or `{"equals-ignore-case": string}` to ignore case. */
function compileAffix(operand: unknown, path: string, operator: 'prefix' | 'suffix'): StringTest {
  const affixOf = (value: string, affix: string) =>
    operator === 'prefix' ? value.startsWith(affix) : value.endsWith(affix);
  if (typeof operand === 'string') return (value) => affixOf(value, operand);
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const ignoringCase = operand['equals-ignore-case'];
    if (keys.length === 1 && typeof ignoringCase === 'string') {
      const folded = ignoringCase.toLowerCase();
      return (value) => affixOf(value.toLowerCase(), folded);
    }
  }
  throw new InvalidFilterError(
    path,
    `${operator} expects a string or {"equals-ignore-case": "..."}, got ${describeValue(operand)}`,
  );
}

function requireString(operand: unknown, path: string, operator: FilterOperator): string {
  if (typeof operand !== 'string') {
    throw new InvalidFilterError(path, `${operator} expects a string, got ${describeValue(operand)}`);
  }
  return operand;
}

function test(valueTest: ValueTest): Condition {
  return { kind: 'test', test: valueTest };
}

/** String operators never match numbers, booleans or null, as in EventBridge. */
function onStrings(stringTest: StringTest): Condition {
  return test((value) => typeof value === 'string' && stringTest(value));
}

function isOperator(key: string): key is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(key);
}

function unknownOperatorMessage(operator: string): string {
  const normalised = operator.toLowerCase().replaceAll('_', '-');
  const suggestion = isOperator(normalised) ? `did you mean "${normalised}"? ` : '';
  return (
    `unknown operator ${JSON.stringify(operator)}; ${suggestion}supported operators are ` +
    FILTER_OPERATORS.map((name) => `"${name}"`).join(', ')
  );
}
