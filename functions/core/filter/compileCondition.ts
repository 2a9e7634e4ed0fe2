import type { ConditionBudget } from './ConditionBudget.ts';
import { comparableNumber, numberText } from './comparableNumber.ts';
import { compileAnythingBut } from './compileAnythingBut.ts';
import { compileCidr } from './compileCidr.ts';
import { compileIgnoreCase } from './compileIgnoreCase.ts';
import { compileNumeric } from './compileNumeric.ts';
import { compileWildcard } from './compileWildcard.ts';
import { FILTER_OPERATORS, type FilterOperator } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { eventNumber } from './eventNumber.ts';
import { ipAddressBytes } from './ipAddress.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { Condition, ValueTest } from './nodes.ts';

type StringTest = (value: string) => boolean;

/** Compiles one entry of a field's array: a literal to equal, or an object naming one operator. */
export function compileCondition(entry: unknown, path: string, budget: ConditionBudget): Condition {
  budget.spend(path);
  if (entry === null) return test((value) => value.kind === 'null');
  if (typeof entry === 'boolean') {
    const kind = entry ? 'true' : 'false';
    return test((value) => value.kind === kind);
  }
  if (typeof entry === 'string') return compileStringLiteral(entry);
  if (typeof entry === 'number') {
    if (!Number.isFinite(entry)) {
      throw new InvalidFilterError(path, `values must be JSON values, got ${describeValue(entry)}`);
    }
    return compileNumberLiteral(entry);
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
    case 'equals-ignore-case':
      return onStrings(compileIgnoreCase(requireString(operand, path, operator), 'equals'));
    case 'wildcard': {
      const pattern = requireString(operand, path, operator);
      return { ...onStrings(compileWildcard(pattern, path, operator)), wildcards: [pattern] };
    }
    case 'anything-but': {
      const { test: anythingBut, wildcards } = compileAnythingBut(operand, path, budget);
      return { ...test(anythingBut), wildcards };
    }
    case 'numeric': {
      const compare = compileNumeric(operand, path);
      return test((value) => {
        const scaled = eventNumber(value);
        return scaled !== undefined && compare(scaled);
      });
    }
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidFilterError(path, `exists expects true or false, got ${describeValue(operand)}`);
      }
      // Any leaf value, null included, exists; absence is matched by the field having no value at all.
      return operand ? test(() => true) : { kind: 'absent' };
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
    if (keys.length === 1 && typeof ignoringCase === 'string')
      return compileIgnoreCase(ignoringCase, operator);
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

/**
 * A string literal that is an IP address matches the same address however it is written: event-ruler's
 * JsonRuleCompiler turns such a literal into an address range (CIDR.ipToRangeIfPossible) instead of text.
 */
function compileStringLiteral(literal: string): Condition {
  const address = ipAddressBytes(literal)?.join('.');
  if (address === undefined) return onStrings((value) => value === literal);
  return onStrings((value) => ipAddressBytes(value)?.join('.') === address);
}

/**
 * A number literal matches a number with the same text, or, when it is a comparable number, any number with
 * the same comparable value (JsonRuleCompiler adds both patterns). So 5 matches 5.0, but two integers too large
 * to be comparable are equal only if their digits are, however close they are as doubles.
 */
function compileNumberLiteral(literal: number): Condition {
  const text = numberText(literal);
  const scaled = comparableNumber(text);
  return test(
    (value) =>
      value.kind === 'number' &&
      (value.text === text || (scaled !== undefined && eventNumber(value) === scaled)),
  );
}

function test(valueTest: ValueTest): Condition & { kind: 'test' } {
  return { kind: 'test', test: valueTest };
}

/** String operators never match numbers, booleans or null, as in EventBridge. */
function onStrings(stringTest: StringTest): Condition & { kind: 'test' } {
  return test((value) => value.kind === 'string' && stringTest(value.text));
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
